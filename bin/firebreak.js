#!/usr/bin/env node
// Runs the TypeScript CLI through tsx, so `npx firebreak` works straight after `npm install`.
import { register } from 'tsx/esm/api';

register();
process.env.FIREBREAK_CLI = '1';
await import('../cli.ts');
