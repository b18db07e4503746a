// The messages between the card service (in main) and its PKCS#11 processes. Plain data only:
// they cross a process boundary (child_process IPC with structured clone, or Electron's
// utilityProcess port). The PIN travels as bytes, never as a string.
import type { CardErrorCode, CardToken } from './card-service';

/** Which job a PKCS#11 process does. They never share a process (toolchain.md, PKCS#11). */
export type Pkcs11Role = 'monitor' | 'session';

/**
 * How the monitor sees tokens come and go. `reinitialise`: C_Initialize → scan → C_Finalize every
 * poll (SoftHSM2 sees no changes within one C_Initialize). `persistent`: stay initialised and poll
 * C_GetSlotList(true), calling C_GetTokenInfo only when the slot list changes (OpenSC 0.23
 * deadlocks if C_GetTokenInfo runs during a removal).
 */
export type MonitorMode = 'reinitialise' | 'persistent';

export interface ConfigureRequest {
  readonly op: 'configure';
  readonly module: string;
  readonly role: Pkcs11Role;
  readonly mode: MonitorMode;
}
export interface PingRequest {
  readonly op: 'ping';
}
export interface ScanRequest {
  readonly op: 'scan';
}
export interface LoginRequest {
  readonly op: 'login';
  readonly serial: string;
  readonly label: string;
  readonly pin: Uint8Array;
  /** The clock to check certificate validity against (ms since epoch). */
  readonly now: number;
}
export interface SignRequest {
  readonly op: 'sign';
  readonly data: Uint8Array;
}
export interface LogoutRequest {
  readonly op: 'logout';
}

export type Pkcs11Request =
  ConfigureRequest | PingRequest | ScanRequest | LoginRequest | SignRequest | LogoutRequest;

export interface WireError {
  readonly code: CardErrorCode;
  readonly message: string;
  readonly triesRemaining?: 'unknown' | 'low' | 'final';
  readonly ckr?: string;
}

export interface LoginResult {
  readonly token: CardToken;
  readonly certificateDer: Uint8Array;
}

export type RequestMessage = { readonly id: number; readonly request: Pkcs11Request };
export type ResponseMessage =
  | { readonly id: number; readonly ok: true; readonly value: unknown }
  | { readonly id: number; readonly ok: false; readonly error: WireError };

export function isResponseMessage(value: unknown): value is ResponseMessage {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Record<string, unknown>;
  return typeof v.id === 'number' && typeof v.ok === 'boolean';
}

export function isRequestMessage(value: unknown): value is RequestMessage {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Record<string, unknown>;
  return typeof v.id === 'number' && typeof v.request === 'object' && v.request !== null;
}
