import { z } from 'zod';
import { nameSchemas } from './schema-registry.ts';

export const RegisterBody = z.strictObject({
  email: z.string().trim().toLowerCase().email().max(254),
  password: z.string().min(10, 'password must be at least 10 characters').max(256),
  name: z.string().trim().max(100).optional(),
});

export const LoginBody = z.strictObject({
  email: z.string().trim().max(254),
  password: z.string().min(1).max(256),
});

export const LogoutBody = z.strictObject({ all: z.boolean().optional() }).optional();

export const User = z.object({
  id: z.string(),
  email: z.string(),
  name: z.string(),
  created_at: z.string(),
  total_xp: z.number().int(),
  level: z.number().int(),
  total_trades: z.number().int(),
});

export const LoginResponse = z.object({
  access_token: z.string(),
  token_type: z.literal('bearer'),
  session_token: z.string(),
  expires_at: z.string(),
  user: User,
});

export const LogoutResponse = z.object({ success: z.literal(true), revoked_sessions: z.number().int() });

nameSchemas({ User, LoginResponse, LogoutResponse });
