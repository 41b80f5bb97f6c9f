// The decoders of compressed DICOM frames, run inside the codec worker (codec-worker.ts), never on
// the main thread. Per syntax, the fastest correct one installed:
// - JPEG 2000 (.4.90/.4.91): @cornerstonejs/codec-openjpeg, at a reduced resolution when the
//   caller wants a small picture (a 512 px analysis image from a 2000-3000 px frame decodes the
//   codestream's lower resolution levels only, several times faster than a full decode).
// - JPEG-LS (.4.80/.4.81): @cornerstonejs/codec-charls (CharLS), about half the time of the same
//   CharLS inside dcmjs-imaging, whose renderer adds an RGBA pass over the full frame.
// - Lossless JPEG (.4.57/.4.70): dcmjs-imaging's WebAssembly libijg, which also applies the colour
//   model and the grey window.
// OpenJPEG's, CharLS's and rle.ts's output goes through the same 8-bit conversion as an
// uncompressed frame (native-pixels.ts): one colour and window path for all of them.
// - RLE (.5): rle.ts (dcmjs-imaging gets RLE colour wrong).
// Both libraries are WebAssembly, loaded once per worker; their .wasm files are read from the
// installed packages (unpacked from the asar in the Electron build, see electron-builder.yml).
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { FRAME_CODECS, type DecodedFrame, type EncodedFrame, type PixelDescription } from './frame.ts';
import { nativeFrame } from '../metadata/native-pixels.ts';
import { decodeRleFrame, RleError } from './rle.ts';

/** A frame the decoder could not draw; `code` goes to the log, never the bytes. */
export class FrameDecodeError extends Error {
  readonly code: string;
  constructor(code: string) {
    super(code);
    this.name = 'FrameDecodeError';
    this.code = code;
  }
}

/**
 * The reduction level to ask OpenJPEG for: each level halves both sides, and the result must stay
 * at least `maxSide` on its long side (so the 512 px analysis image is never upscaled).
 */
export function j2kReductionLevel(rows: number, columns: number, maxSide: number): number {
  const longest = Math.max(rows, columns);
  let level = 0;
  while (level < 8 && Math.ceil(longest / 2 ** (level + 1)) >= maxSide) level++;
  return level;
}

/**
 * The photometric interpretation of what OpenJPEG hands back: it undoes the codestream's own
 * colour transform (RCT/ICT), so YBR_RCT and YBR_ICT come out as RGB; it returns components
 * pixel-interleaved whatever Planar Configuration says.
 */
export function decodedJ2kDescription(pixel: PixelDescription, width: number, height: number, bitsPerSample: number, signed: boolean): PixelDescription {
  const photometric = pixel.photometric === 'YBR_RCT' || pixel.photometric === 'YBR_ICT' ? 'RGB' : pixel.photometric;
  return {
    ...pixel,
    rows: height,
    columns: width,
    photometric: photometric === 'YBR_FULL_422' ? 'YBR_FULL' : photometric,
    bitsAllocated: bitsPerSample <= 8 ? 8 : 16,
    bitsStored: Math.min(bitsPerSample, pixel.bitsStored || bitsPerSample) || bitsPerSample,
    pixelRepresentation: signed ? 1 : 0,
    planarConfiguration: 0,
  };
}

// --- the libraries, loaded on first use ---------------------------------------------------------

interface J2KDecoder {
  getEncodedBuffer(length: number): Uint8Array;
  getDecodedBuffer(): Uint8Array;
  decodeSubResolution(level: number, layer: number): void;
  calculateSizeAtDecompositionLevel(level: number): { width: number; height: number };
  getFrameInfo(): { width: number; height: number; bitsPerSample: number; componentCount: number; isSigned: boolean };
  delete(): void;
}
interface OpenJpeg {
  J2KDecoder: new () => J2KDecoder;
}
interface JpegLsDecoder {
  getEncodedBuffer(length: number): Uint8Array;
  getDecodedBuffer(): Uint8Array;
  decode(): void;
  getFrameInfo(): { width: number; height: number; bitsPerSample: number; componentCount: number };
  /** 0: one component after another (planar), 1: line, 2: sample-interleaved. */
  getInterleaveMode(): number;
  delete(): void;
}
interface CharLs {
  JpegLSDecoder: new () => JpegLsDecoder;
}
interface DcmjsImaging {
  DicomImage: new (elements: Record<string, unknown>, syntax: string) => { render(opts: { frame: number }): { width: number; height: number; pixels: ArrayBuffer } };
  NativePixelDecoder: { initializeAsync(opts: { webAssemblyModulePathOrUrl: string }): Promise<void> };
  log: { setLevel(level: string): void };
}

// Not named `require`: electron-vite's ESM output declares its own `require` shim at the top of the
// bundle, and a second declaration is a SyntaxError in the built worker.
const cjs = createRequire(import.meta.url);
let openjpeg: Promise<OpenJpeg> | null = null;
let dcmjsImaging: Promise<DcmjsImaging> | null = null;
let charls: Promise<CharLs> | null = null;

function loadCharLs(): Promise<CharLs> {
  charls ??= (async () => {
    const factory = cjs('@cornerstonejs/codec-charls/decodewasmjs') as (m: object) => Promise<CharLs>;
    const wasmBinary = readFileSync(cjs.resolve('@cornerstonejs/codec-charls/decodewasm'));
    return factory({ wasmBinary, print: () => undefined, printErr: () => undefined });
  })();
  return charls;
}

function loadOpenJpeg(): Promise<OpenJpeg> {
  openjpeg ??= (async () => {
    const factory = cjs('@cornerstonejs/codec-openjpeg/decodewasmjs') as (m: object) => Promise<OpenJpeg>;
    const wasmBinary = readFileSync(cjs.resolve('@cornerstonejs/codec-openjpeg/decodewasm'));
    // OpenJPEG prints its progress ("[INFO] ...") on stdout: silenced.
    return factory({ wasmBinary, print: () => undefined, printErr: () => undefined });
  })();
  return openjpeg;
}

function loadDcmjsImaging(): Promise<DcmjsImaging> {
  dcmjsImaging ??= (async () => {
    const lib = cjs('dcmjs-imaging') as DcmjsImaging;
    lib.log.setLevel('silent');
    await lib.NativePixelDecoder.initializeAsync({ webAssemblyModulePathOrUrl: cjs.resolve('dcmjs-imaging/build/dcmjs-native-codecs.wasm') });
    return lib;
  })();
  return dcmjsImaging;
}

// --- decoding -----------------------------------------------------------------------------------

/** One frame -> 8-bit grey or RGB pixels, no smaller than `maxSide` where the codec can reduce. */
export async function decodeFrameHere(frame: EncodedFrame, maxSide: number): Promise<DecodedFrame> {
  const { rows, columns } = frame.pixel;
  if (rows <= 0 || columns <= 0) throw new FrameDecodeError('no-size');
  if (frame.bytes.length === 0) throw new FrameDecodeError('empty-frame');
  const codec = FRAME_CODECS.get(frame.syntax);
  if (codec === 'openjpeg') return decodeJ2k(await loadOpenJpeg(), frame, maxSide);
  if (codec === 'charls') return decodeJpegLs(await loadCharLs(), frame);
  if (codec === 'dcmjs-imaging') return decodeWithDcmjsImaging(await loadDcmjsImaging(), frame);
  if (codec === 'rle') return decodeRle(frame);
  throw new FrameDecodeError('unsupported-syntax');
}

function decodeRle(frame: EncodedFrame): DecodedFrame {
  let samples: Buffer;
  try {
    samples = decodeRleFrame(frame.bytes, frame.pixel);
  } catch (err) {
    throw new FrameDecodeError(err instanceof RleError ? `rle-${err.message}` : 'rle-failed');
  }
  const raw = nativeFrame(samples, { ...frame.pixel, planarConfiguration: 0 }, false, 'OB', 0);
  if (raw.kind !== 'raw') throw new FrameDecodeError('rle-unsupported-pixels');
  return { data: raw.data, width: raw.width, height: raw.height, channels: raw.channels, invert: raw.invert };
}

function decodeJ2k(lib: OpenJpeg, frame: EncodedFrame, maxSide: number): DecodedFrame {
  const { pixel } = frame;
  // A codestream with fewer resolution levels than asked for decodes to nothing: ask for fewer.
  for (let level = j2kReductionLevel(pixel.rows, pixel.columns, maxSide); level >= 0; level--) {
    const decoder = new lib.J2KDecoder();
    try {
      decoder.getEncodedBuffer(frame.bytes.length).set(frame.bytes);
      decoder.decodeSubResolution(level, 0);
      const decoded = decoder.getDecodedBuffer();
      if (decoded.length === 0) continue;
      const info = decoder.getFrameInfo();
      const { width, height } = decoder.calculateSizeAtDecompositionLevel(level);
      const bytesPerSample = info.bitsPerSample <= 8 ? 1 : 2;
      if (info.componentCount !== pixel.samplesPerPixel || decoded.length !== width * height * info.componentCount * bytesPerSample) {
        throw new FrameDecodeError('j2k-shape-mismatch');
      }
      const desc = decodedJ2kDescription(pixel, width, height, info.bitsPerSample, info.isSigned);
      const raw = nativeFrame(Buffer.from(decoded), desc, false, 'OB', 0);
      if (raw.kind !== 'raw') throw new FrameDecodeError('j2k-unsupported-pixels');
      return { data: raw.data, width: raw.width, height: raw.height, channels: raw.channels, invert: raw.invert };
    } finally {
      decoder.delete();
    }
  }
  throw new FrameDecodeError('j2k-decode-failed');
}

function decodeJpegLs(lib: CharLs, frame: EncodedFrame): DecodedFrame {
  const { pixel } = frame;
  const decoder = new lib.JpegLSDecoder();
  try {
    decoder.getEncodedBuffer(frame.bytes.length).set(frame.bytes);
    try {
      decoder.decode();
    } catch {
      throw new FrameDecodeError('jpegls-decode-failed');
    }
    const info = decoder.getFrameInfo();
    const decoded = decoder.getDecodedBuffer();
    const bytesPerSample = info.bitsPerSample <= 8 ? 1 : 2;
    if (info.width !== pixel.columns || info.height !== pixel.rows || info.componentCount !== pixel.samplesPerPixel || decoded.length !== info.width * info.height * info.componentCount * bytesPerSample) {
      throw new FrameDecodeError('jpegls-shape-mismatch');
    }
    // CharLS hands back the frame's own interleave: mode 0 is one component after another.
    const desc: PixelDescription = {
      ...pixel,
      bitsAllocated: bytesPerSample * 8,
      bitsStored: Math.min(pixel.bitsStored || info.bitsPerSample, info.bitsPerSample),
      planarConfiguration: info.componentCount > 1 && decoder.getInterleaveMode() === 0 ? 1 : 0,
    };
    const raw = nativeFrame(Buffer.from(decoded), desc, false, 'OB', 0);
    if (raw.kind !== 'raw') throw new FrameDecodeError('jpegls-unsupported-pixels');
    return { data: raw.data, width: raw.width, height: raw.height, channels: raw.channels, invert: raw.invert };
  } finally {
    decoder.delete();
  }
}

function decodeWithDcmjsImaging(lib: DcmjsImaging, frame: EncodedFrame): DecodedFrame {
  const { pixel, bytes } = frame;
  const elements: Record<string, unknown> = {
    Rows: pixel.rows,
    Columns: pixel.columns,
    SamplesPerPixel: pixel.samplesPerPixel,
    PhotometricInterpretation: pixel.photometric,
    BitsAllocated: pixel.bitsAllocated,
    BitsStored: pixel.bitsStored,
    HighBit: pixel.bitsStored - 1,
    PixelRepresentation: pixel.pixelRepresentation,
    PlanarConfiguration: pixel.planarConfiguration,
    RescaleSlope: pixel.rescaleSlope,
    RescaleIntercept: pixel.rescaleIntercept,
    NumberOfFrames: 1,
    PixelData: [bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.length)],
  };
  if (pixel.windowCenter !== null && pixel.windowWidth !== null) {
    elements.WindowCenter = pixel.windowCenter;
    elements.WindowWidth = pixel.windowWidth;
  } else if (pixel.samplesPerPixel === 1 && pixel.bitsStored <= 8) {
    // Without a window the renderer stretches the frame's own min..max; 8-bit grey is shown as
    // stored instead, like an uncompressed frame (native-pixels.ts).
    elements.WindowCenter = 2 ** (pixel.bitsStored - 1);
    elements.WindowWidth = 2 ** pixel.bitsStored;
  }
  let rendered: { width: number; height: number; pixels: ArrayBuffer };
  try {
    rendered = new lib.DicomImage(elements, frame.syntax).render({ frame: 0 });
  } catch {
    throw new FrameDecodeError('codec-failed');
  }
  const { width, height } = rendered;
  const rgba = new Uint8Array(rendered.pixels);
  if (width !== pixel.columns || height !== pixel.rows || rgba.length !== width * height * 4) throw new FrameDecodeError('codec-shape-mismatch');
  // RGBA out of the renderer (window and MONOCHROME1 already applied): grey keeps one channel.
  const channels = pixel.samplesPerPixel === 1 ? 1 : 3;
  const data = Buffer.allocUnsafe(width * height * channels);
  for (let i = 0, o = 0; i < rgba.length; i += 4) {
    data[o++] = rgba[i]!;
    if (channels === 3) {
      data[o++] = rgba[i + 1]!;
      data[o++] = rgba[i + 2]!;
    }
  }
  return { data, width, height, channels };
}
