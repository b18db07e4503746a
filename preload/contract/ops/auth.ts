// auth.*: the smartcard session as the screens see it. Sign in (passcode on the card), pick a
// role, lock/unlock, stay signed in when the idle warning shows, log out (product.md 3 and 9).
import { z } from 'zod';
import { defineOperation } from '../operation';

export const RoleProfile = z.object({
  /** SDS role profile id (URP), sent in every Spine message. */
  roleProfileId: z.string(),
  odsCode: z.string(),
  organisationName: z.string(),
  /** `S…:G…:R…` */
  jobRoleCode: z.string(),
  jobRoleName: z.string(),
  activityCodes: z.array(z.string()),
  /** False when the role has none of the activity codes this client needs. */
  hasAccess: z.boolean(),
});
export type RoleProfile = z.infer<typeof RoleProfile>;

export const SessionStage = z.enum([
  'no-card',
  'card-present',
  'authenticating',
  'authenticated',
  'role-selected',
  'locked',
  'ended',
]);
export type SessionStage = z.infer<typeof SessionStage>;

export const SignedOutReason = z.enum([
  'logout',
  'card-removed',
  'different-card',
  'idle',
  'absolute-limit',
  'shutdown',
]);
export type SignedOutReason = z.infer<typeof SignedOutReason>;

export const AuthState = z.object({
  stage: SessionStage,
  user: z.object({ uuid: z.string(), displayName: z.string() }).nullable(),
  roles: z.array(RoleProfile),
  selectedRole: RoleProfile.nullable(),
  /** Features the selected role may use (RBAC), so the screen can hide the rest. */
  features: z.array(z.string()),
  /** The role this user last chose on this workstation, offered first in the role picker. */
  lastRoleProfileId: z.string().nullable().optional(),
  /** Whether the signed-in user's card is in the reader (the lock screen asks for it). */
  cardPresent: z.boolean().optional(),
  /**
   * Why the previous session ended, shown on the screen the user lands on (issue 13: no silent
   * logout); null once someone signs in again.
   */
  signedOutReason: SignedOutReason.nullable().optional(),
});
export type AuthState = z.infer<typeof AuthState>;

/** NHS smartcard passcodes are 6–8 digits (since 19 Jul 2023; product.md 3a step 2). */
export const Passcode = z.string().regex(/^\d{6,8}$/, 'a passcode is 6 to 8 digits');

export const authOperations = {
  'auth.state': defineOperation({
    summary: 'The current session stage, user, roles and permitted features.',
    input: z.object({}).strict(),
    output: AuthState,
  }),
  'auth.login': defineOperation({
    summary: 'Log in to the card in the reader with its passcode and fetch the role profiles.',
    input: z.object({ pin: Passcode }).strict(),
    output: AuthState,
  }),
  'auth.selectRole': defineOperation({
    summary: 'Act in one of the signed-in user’s role profiles.',
    input: z.object({ roleProfileId: z.string().min(1).max(64) }).strict(),
    output: AuthState,
  }),
  'auth.lock': defineOperation({
    summary: 'Lock the session now; the passcode unlocks it.',
    input: z.object({}).strict(),
    output: AuthState,
  }),
  'auth.unlock': defineOperation({
    summary: 'Unlock a locked session with the same card’s passcode.',
    input: z.object({ pin: Passcode }).strict(),
    output: AuthState,
  }),
  'auth.logout': defineOperation({
    summary: 'End the session and clear every trace of the patient context.',
    input: z.object({}).strict(),
    output: AuthState,
  }),
  'auth.staySignedIn': defineOperation({
    summary: 'Answer the idle warning: keep the session and restart the idle timer.',
    input: z.object({}).strict(),
    output: AuthState,
  }),
  'auth.activity': defineOperation({
    summary: 'The user is active (keyboard or pointer); restarts the idle timer. Not audited.',
    input: z.object({}).strict(),
    output: z.object({ ok: z.literal(true) }),
  }),
} as const;
