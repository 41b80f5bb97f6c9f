// Which CSV column holds which order field. EHR exports name their columns freely, so a header is
// compared without case, spaces, underscores or accents against a list of common names.

export type CsvField =
  | 'patientId'
  | 'name'
  | 'lastName'
  | 'firstName'
  | 'birthDate'
  | 'sex'
  | 'scheduledAt'
  | 'date'
  | 'time'
  | 'accessionNumber'
  | 'orderId'
  | 'scheduledStepId'
  | 'site';

/** Accepted header names per field, already in normalised form (see normaliseHeader). Documented in docs/WORKLIST.md. */
export const csvHeaderSynonyms: Record<CsvField, readonly string[]> = {
  patientId: ['patientid', 'patid', 'pid', 'mrn', 'medicalrecordnumber', 'hospitalnumber', 'patientnumber', 'patientnr', 'patientennummer'],
  name: ['name', 'patientname', 'patientsname', 'fullname'],
  lastName: ['lastname', 'last', 'familyname', 'surname', 'nachname'],
  firstName: ['firstname', 'first', 'givenname', 'forename', 'vorname'],
  birthDate: ['dob', 'birthdate', 'dateofbirth', 'patientbirthdate', 'birthday', 'geburtsdatum'],
  sex: ['sex', 'gender', 'patientsex', 'geschlecht'],
  scheduledAt: ['scheduledat', 'scheduleddatetime', 'appointmentdatetime', 'appointment', 'datetime', 'termin'],
  date: ['date', 'scheduleddate', 'appointmentdate', 'examdate', 'datum'],
  time: ['time', 'scheduledtime', 'appointmenttime', 'examtime', 'uhrzeit', 'zeit'],
  accessionNumber: ['accession', 'accessionnumber', 'accessionno', 'accno'],
  orderId: ['orderid', 'order', 'ordernumber', 'orderno', 'externalorderid', 'requestid'],
  scheduledStepId: ['scheduledstepid', 'scheduledprocedurestepid', 'spsid', 'stepid'],
  site: ['site', 'department', 'dept', 'location', 'clinic', 'station', 'abteilung'],
};

/** "Patient_ID", "patient id" and "PatientID" all become "patientid"; "Geschlecht" stays itself. */
export const normaliseHeader = (header: string): string =>
  header
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]/g, '');

export type CsvColumnMap = Partial<Record<CsvField, number>>;

/** The column index of each field that the header row names; the first matching column wins. */
export function mapCsvColumns(headers: readonly string[]): CsvColumnMap {
  const map: CsvColumnMap = {};
  const normalised = headers.map(normaliseHeader);
  for (const field of Object.keys(csvHeaderSynonyms) as CsvField[]) {
    const index = normalised.findIndex((h) => csvHeaderSynonyms[field].includes(h));
    if (index >= 0) map[field] = index;
  }
  return map;
}

/** What a header row lacks to make orders at all, as a sentence for clinic IT; null when it is enough. */
export function missingCsvColumns(map: CsvColumnMap): string | null {
  const missing: string[] = [];
  if (map.patientId === undefined) missing.push('a patient ID column (PatientID, MRN, patient_id)');
  if (map.name === undefined && map.lastName === undefined) missing.push('a name column (Name, PatientName, or Last name/First name)');
  if (map.scheduledAt === undefined && map.date === undefined) missing.push('a scheduled date column (Date, ScheduledAt)');
  return missing.length ? `The CSV file has no ${missing.join(', no ')}.` : null;
}
