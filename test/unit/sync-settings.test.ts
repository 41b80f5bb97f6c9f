import { safeDecode } from '../../src/shared/safe-decode.ts';
import { describe, expect, it } from 'vitest';
import {
  cloudSettingsSchema,
  containerNameProblem,
  inspectConnectionString,
  redactConnectionString,
  redactSecret,
  sasValidityProblem,
  settingsProblems,
  toCloudSettingsView,
  type CloudSettingsInput,
} from '../../src/shared/sync.ts';

// A realistic-looking signature; every failing case below checks that it never shows up.
const SIG = 'Zm9vYmFyYmF6cXV4U0VDUkVUU0lHTkFUVVJFMTIzNDU2Nzg5MA%3D%3D';
const SIG_DECODED = decodeURIComponent(SIG);
const sas = (extra = 'sp=cw') => `sv=2025-05-05&se=2030-01-01T00%3A00%3A00Z&sr=c&${extra}&sig=${SIG}`;
const prodUrl = `https://acct.blob.core.windows.net/images?${sas()}`;
const emulatorCs = `BlobEndpoint=http://127.0.0.1:10000/devstoreaccount1;SharedAccessSignature=${sas()}`;

const noSecret = (text: string): void => {
  expect(text).not.toContain(SIG);
  expect(text).not.toContain(SIG_DECODED);
};

describe('inspectConnectionString', () => {
  it('reads a production SAS URL: endpoint, container, expiry, permissions', () => {
    const r = inspectConnectionString(prodUrl);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.value).toMatchObject({
      form: 'sas-url',
      blobEndpoint: 'https://acct.blob.core.windows.net',
      container: 'images',
      permissions: 'cw',
    });
    expect(r.value.expiresOn?.toISOString()).toBe('2030-01-01T00:00:00.000Z');
    expect(r.value.sas).toBe(sas());
  });

  it('keeps the account in the endpoint for an emulator (path-style) SAS URL', () => {
    const r = inspectConnectionString(`http://127.0.0.1:10000/devstoreaccount1/images?${sas()}`);
    expect(r.ok && r.value.blobEndpoint).toBe('http://127.0.0.1:10000/devstoreaccount1');
    expect(r.ok && r.value.container).toBe('images');
  });

  it('reads BlobEndpoint=...;SharedAccessSignature=... (no container in it)', () => {
    const r = inspectConnectionString(emulatorCs);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.value).toMatchObject({ form: 'connection-string', blobEndpoint: 'http://127.0.0.1:10000/devstoreaccount1', container: null });
  });

  it('builds the endpoint from AccountName and EndpointSuffix and accepts a leading "?" on the SAS', () => {
    const r = inspectConnectionString(`AccountName=acct;EndpointSuffix=core.windows.net;SharedAccessSignature=?${sas()}`);
    expect(r.ok && r.value.blobEndpoint).toBe('https://acct.blob.core.windows.net');
    expect(r.ok && r.value.sas).toBe(sas());
  });

  it('reads the start time and a stored-policy SAS without sp=', () => {
    const r = inspectConnectionString(`https://acct.blob.core.windows.net/images?sv=2025-05-05&st=2029-01-01T00:00:00Z&si=policy1&sr=c&sig=${SIG}`);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.value.permissions).toBeNull();
    expect(r.value.startsOn?.toISOString()).toBe('2029-01-01T00:00:00.000Z');
  });

  const refusals: Array<[string, string, RegExp]> = [
    ['empty', '  ', /Paste the connection string/],
    ['not a connection string', 'hello world', /should start with BlobEndpoint= or https:\/\//],
    ['the account key', `DefaultEndpointsProtocol=https;AccountName=a;AccountKey=${SIG_DECODED};EndpointSuffix=core.windows.net`, /account key/],
    ['no SAS part', 'BlobEndpoint=https://acct.blob.core.windows.net', /no SharedAccessSignature/],
    ['no signature', `https://acct.blob.core.windows.net/images?sv=2025-05-05&sp=cw`, /no signature/],
    ['read-only', `https://acct.blob.core.windows.net/images?${sas('sp=rl')}`, /does not allow creating files.*"rl"/],
    ['a single blob', `https://acct.blob.core.windows.net/images/a.jpg?${sas()}`, /single file/],
    ['a blob SAS', `https://acct.blob.core.windows.net/images?sv=2025-05-05&sr=b&sp=cw&sig=${SIG}`, /single file/],
    ['plain http to a remote host', `BlobEndpoint=http://acct.blob.core.windows.net;SharedAccessSignature=${sas()}`, /https:\/\//],
    ['an unreadable expiry', `https://acct.blob.core.windows.net/images?sv=1&se=notadate&sp=cw&sig=${SIG}`, /expiry date cannot be read/],
    ['not Name=Value', `BlobEndpoint=https://a.blob.core.windows.net;garbage;SharedAccessSignature=${sas()}`, /Name=Value/],
  ];
  it.each(refusals)('refuses %s with a plain message that holds no secret', (_label, input, message) => {
    const r = inspectConnectionString(input);
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.problem).toMatch(message);
    noSecret(r.problem);
  });
});

describe('containerNameProblem / sasValidityProblem', () => {
  it('follows Azure container naming', () => {
    expect(containerNameProblem('images')).toBeNull();
    expect(containerNameProblem('pc-1234')).toBeNull();
    expect(containerNameProblem('ab')).toMatch(/3 to 63/);
    expect(containerNameProblem('Images')).toMatch(/lower-case/);
    expect(containerNameProblem('a--b')).toMatch(/single hyphens/);
    expect(containerNameProblem('-ab')).toMatch(/starts and ends/);
  });

  it('says when a SAS has expired or is not valid yet', () => {
    const now = new Date('2030-06-01T00:00:00Z');
    expect(sasValidityProblem({ expiresOn: new Date('2030-01-01T00:00:00Z'), startsOn: null }, now)).toMatch(/expired on 2030-01-01/);
    expect(sasValidityProblem({ expiresOn: null, startsOn: new Date('2031-01-01T00:00:00Z') }, now)).toMatch(/not valid until 2031-01-01/);
    expect(sasValidityProblem({ expiresOn: new Date('2031-01-01T00:00:00Z'), startsOn: null }, now)).toBeNull();
  });
});

const valid: CloudSettingsInput = {
  connectionString: emulatorCs,
  container: 'images',
  workflow: 'image-first',
  orderEndpointUrl: 'https://orders.example.org/api/orders',
  orderEndpointToken: 'tok_0123456789abcdef',
  siteId: 'PC1234',
  stationId: 'station-1',
};

const problemsOf = (input: Record<string, unknown>) => {
  const r = cloudSettingsSchema.safeParse({ ...valid, ...input });
  return r.success ? {} : settingsProblems(r.error);
};

describe('cloudSettingsSchema', () => {
  it('accepts valid image-first settings and fills the defaults', () => {
    const s = cloudSettingsSchema.parse(valid);
    expect(s.concurrency).toBe(4);
    expect(s.bandwidthCapKbps).toBeNull();
    expect(s.orderEndpointToken).toBe('tok_0123456789abcdef');
  });

  it('needs the order endpoint and token for image-first, not for order-first', () => {
    const p = problemsOf({ orderEndpointUrl: '', orderEndpointToken: null });
    expect(p.orderEndpointUrl).toMatch(/needs the order endpoint address/);
    expect(p.orderEndpointToken).toMatch(/needs the order endpoint token/);
    const s = cloudSettingsSchema.parse({ ...valid, workflow: 'order-first', orderEndpointUrl: '', orderEndpointToken: undefined });
    expect(s.orderEndpointUrl).toBeNull();
    expect(s.orderEndpointToken).toBeNull();
  });

  it('explains each bad field in plain words', () => {
    expect(problemsOf({ connectionString: 'nonsense' }).connectionString).toMatch(/does not look like a connection string/);
    expect(problemsOf({ container: '' }).container).toMatch(/Enter the container name/);
    expect(problemsOf({ container: 'Bad_Name' }).container).toMatch(/lower-case/);
    expect(problemsOf({ concurrency: 0 }).concurrency).toMatch(/at least 1/);
    expect(problemsOf({ concurrency: 17 }).concurrency).toMatch(/at most 16/);
    expect(problemsOf({ concurrency: 2.5 }).concurrency).toMatch(/whole number/);
    expect(problemsOf({ bandwidthCapKbps: 4 }).bandwidthCapKbps).toMatch(/at least 16/);
    expect(problemsOf({ stationId: 'station 1' }).stationId).toMatch(/no spaces/);
    expect(problemsOf({ siteId: '' }).siteId).toMatch(/Enter the site id/);
    expect(problemsOf({ workflow: 'sideways' }).workflow).toMatch(/Choose the workflow/);
    expect(problemsOf({ orderEndpointUrl: 'http://orders.example.org/x' }).orderEndpointUrl).toMatch(/must use https/);
    expect(problemsOf({ orderEndpointUrl: 'https://u:p@orders.example.org/x' }).orderEndpointUrl).toMatch(/token field/);
    expect(problemsOf({ orderEndpointUrl: 'http://127.0.0.1:8080/orders' }).orderEndpointUrl).toBeUndefined();
  });

  it('rejects a container that differs from the one in the SAS URL', () => {
    const p = problemsOf({ connectionString: prodUrl, container: 'other' });
    expect(p.container).toMatch(/for the container "images", not "other"/);
    expect(problemsOf({ connectionString: prodUrl, container: 'images' })).toEqual({});
  });

  it('never repeats a signature in any message', () => {
    const r = cloudSettingsSchema.safeParse({ ...valid, connectionString: `https://acct.blob.core.windows.net/images?${sas('sp=r')}` });
    expect(r.success).toBe(false);
    if (!r.success) noSecret(JSON.stringify(r.error.issues));
  });
});

describe('a broken %-escape in a connection string', () => {
  const cases = [
    ['in the signature (cut short)', 'https://acct.blob.core.windows.net/images?sv=2024&sp=cw&sig=%E0%A4%A'],
    ['in the container name', 'https://acct.blob.core.windows.net/images%E0%A4?sv=2024&sp=cw&sig=abc'],
    ['in an emulator account name', 'http://127.0.0.1:10000/dev%ZZ/images?sv=2024&sp=cw&sig=abc'],
    ['in a SharedAccessSignature', 'BlobEndpoint=https://acct.blob.core.windows.net;SharedAccessSignature=sv=2024&sp=cw&sig=abc%'],
  ] as const;

  it.each(cases)('%s is a problem on the connection string field, never an exception', (_what, connectionString) => {
    expect(safeDecode('%E0%A4%A')).toBeNull();
    expect(safeDecode('M%C3%BCller')).toBe('Müller');
    expect(() => inspectConnectionString(connectionString)).not.toThrow();
    const r = inspectConnectionString(connectionString);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.problem).toMatch(/broken %-escape.*Copy it again in full/);
    // The schema the form and the core share: a plain field problem, not a URIError out of the refinement.
    let parsed: ReturnType<typeof cloudSettingsSchema.safeParse> | undefined;
    expect(() => (parsed = cloudSettingsSchema.safeParse({ ...valid, connectionString }))).not.toThrow();
    expect(parsed!.success).toBe(false);
    if (!parsed!.success) {
      expect(settingsProblems(parsed!.error).connectionString).toMatch(/broken %-escape/);
      expect(JSON.stringify(parsed!.error.issues)).not.toContain('%E0');
    }
  });
});

describe('showing secrets back', () => {
  it('shows only the last four characters of a long secret, nothing of a short one', () => {
    expect(redactSecret('tok_0123456789abcdef')).toBe('…cdef');
    expect(redactSecret('short')).toBe('••••');
    expect(redactSecret(null)).toBe('');
  });

  it('shows the endpoint and container of a connection string, not its signature', () => {
    const shown = redactConnectionString(prodUrl);
    expect(shown).toContain('https://acct.blob.core.windows.net/images');
    expect(shown).toContain(`…${SIG_DECODED.slice(-4)}`);
    noSecret(shown);
  });

  it('gives the UI a view with hints instead of secrets', () => {
    const settings = cloudSettingsSchema.parse(valid);
    const view = toCloudSettingsView(settings);
    const json = JSON.stringify(view);
    noSecret(json);
    expect(json).not.toContain('tok_0123456789abcdef');
    expect(view).toMatchObject({
      hasOrderEndpointToken: true,
      orderEndpointTokenHint: '…cdef',
      connectionStringExpiresOn: '2030-01-01T00:00:00.000Z',
      connectionStringPermissions: 'cw',
      siteId: 'PC1234',
    });
    expect('connectionString' in view).toBe(false);
    expect('orderEndpointToken' in view).toBe(false);
  });
});
