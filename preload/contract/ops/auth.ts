// auth.*: the smartcard session as the screens see it.
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

export const AuthState = z.object({
  stage: SessionStage,
  user: z.object({ uuid: z.string(), displayName: z.string() }).nullable(),
  roles: z.array(RoleProfile),
  selectedRole: RoleProfile.nullable(),
  /** Features the selected role may use (RBAC), so the screen can hide the rest. */
  features: z.array(z.string()),
});
export type AuthState = z.infer<typeof AuthState>;

export const authOperations = {
  'auth.state': defineOperation({
    summary: 'The current session stage, user, roles and permitted features.',
    input: z.object({}).strict(),
    output: AuthState,
  }),
} as const;
