#!/usr/bin/env node
// The `cubby` bin entry: the command line is TypeScript, run through tsx's loader.
import { register } from 'tsx/esm/api';

register();
await import('./cubby.ts');
