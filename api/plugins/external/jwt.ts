// API tokens (@fastify/jwt). The secret comes from JWT_SECRET; without it one
// is generated once and kept in DATA_DIR/jwt-secret, which suits one machine
// (npm start) but not several API processes — those must share JWT_SECRET.
import fs from 'node:fs';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import fp from 'fastify-plugin';
import jwt from '@fastify/jwt';
import type { Config } from '../../../platform/config.ts';

export function jwtSecret(config: Config): string {
  if (config.JWT_SECRET) return config.JWT_SECRET;
  const file = path.join(config.dataDir, 'jwt-secret');
  try {
    return fs.readFileSync(file, 'utf8').trim();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  fs.mkdirSync(config.dataDir, { recursive: true });
  const secret = randomBytes(48).toString('base64url');
  try {
    // 'wx': when two processes start together, the first one's secret wins.
    fs.writeFileSync(file, `${secret}\n`, { mode: 0o600, flag: 'wx' });
    return secret;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return fs.readFileSync(file, 'utf8').trim();
    throw error;
  }
}

export default fp<{ config: Config }>(async (app, { config }) => {
  await app.register(jwt, { secret: jwtSecret(config), sign: { algorithm: 'HS256' }, verify: { algorithms: ['HS256'] } });
}, { name: 'jwt' });
