import { existsSync } from 'node:fs';
import path from 'node:path';
import js from '@eslint/js';
import drizzle from 'eslint-plugin-drizzle';
import { createNodeResolver, importX } from 'eslint-plugin-import-x';
import tseslint from 'typescript-eslint';

const root = import.meta.dirname;

// Tests, benchmarks and the test harness may reach into what they test; the import rules below skip them.
const testFiles = ['**/*.test.ts', '**/*.test.tsx', '**/*.bench.ts', 'test/**'];

// Arrows point one way (DESIGN.md): collector -> incidents -> notifier; dashboards read incidents (and the
// notifier's surface); everything may use platform, and platform uses nothing above it. Nothing imports the
// entry points, and no production file imports the tests' harness, fakes or oracles.
const parts = ['collector', 'incidents', 'notifier', 'dashboards'];
const entryPoints = ['server.ts', 'cli.ts'];
const mayImport = {
  platform: [],
  notifier: ['platform'],
  incidents: ['notifier', 'platform'],
  collector: ['incidents', 'platform'],
  dashboards: ['incidents', 'notifier', 'platform'],
};
const directionZones = [
  ...Object.entries(mayImport).map(([part, allowed]) => ({
    target: `./${part}`,
    from: [...parts, 'platform', ...entryPoints].filter((other) => other !== part && !allowed.includes(other)).map((other) => `./${other}`),
    message: `${part}/ may import only ${allowed.length ? allowed.map((other) => `${other}/`).join(', ') : 'platform/ itself'}: imports point collector -> incidents -> notifier, dashboards read incidents, all may use platform.`,
  })),
  {
    target: [...parts, 'platform', ...entryPoints].map((source) => `./${source}`),
    from: './test',
    message: 'Production code never imports test/ (harness, fakes, oracles).',
  },
];

// Surfaces a part exposes besides the index.ts of its folders: the public notice routes, which server.ts
// mounts on their own at /notices.
const exposedSurfaces = new Set(['dashboards/public-notice/index.ts'].map((file) => path.join(root, file)));
const platform = path.join(root, 'platform');

/**
 * Is the folder a room, one entered from outside only through its index.ts? Every folder with an index.ts
 * is, except platform's own folders: the kernel is one part behind platform/index.ts, and its modules import
 * each other's files directly.
 */
const roomCache = new Map();
function isRoom(folder) {
  let room = roomCache.get(folder);
  if (room === undefined) {
    room = existsSync(path.join(folder, 'index.ts')) && (folder === platform || !folder.startsWith(platform + path.sep));
    roomCache.set(folder, room);
  }
  return room;
}

/**
 * A part (notifier/) or a room (incidents/breach/assessment/) is entered from outside only through its
 * index.ts. A file may import its own room's files and its ancestors' files directly, since it is inside
 * them. collector/ has no index.ts of its own: its rooms alertmanager/ and otlp/ are its surfaces.
 */
const surfaceImports = {
  meta: {
    type: 'problem',
    docs: { description: 'A part or room is imported from outside it only through its index.ts.' },
    schema: [],
    messages: {
      deep: '{{room}}/ is imported from outside only through its surface {{room}}/index.ts, not {{target}}.',
    },
  },
  create(context) {
    const importer = context.physicalFilename;
    function check(source) {
      if (source?.type !== 'Literal' || typeof source.value !== 'string' || !source.value.startsWith('.')) return;
      const target = path.resolve(path.dirname(importer), source.value);
      const fromRoot = path.relative(root, target);
      if (fromRoot.startsWith('..') || path.isAbsolute(fromRoot) || exposedSurfaces.has(target)) return;
      // The outermost room that holds the target but not the importer decides: only its index.ts may be imported.
      const folders = path.dirname(fromRoot).split(path.sep);
      if (folders[0] === '.') return;
      for (let depth = 1; depth <= folders.length; depth++) {
        const folder = path.join(root, ...folders.slice(0, depth));
        if (!path.relative(folder, importer).startsWith('..') || !isRoom(folder)) continue;
        if (target !== path.join(folder, 'index.ts')) {
          context.report({ node: source, messageId: 'deep', data: { room: path.relative(root, folder), target: fromRoot } });
        }
        return;
      }
    }
    return {
      ImportDeclaration: (node) => check(node.source),
      ExportNamedDeclaration: (node) => check(node.source),
      ExportAllDeclaration: (node) => check(node.source),
      ImportExpression: (node) => check(node.source),
    };
  },
};

export default tseslint.config(
  { ignores: ['node_modules/', 'data/', 'dist/', 'test-results/', 'platform/database/migrations/'] },
  js.configs.recommended,
  ...tseslint.configs.strict,
  {
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-non-null-assertion': 'error',
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-restricted-exports': [
        'error',
        { restrictDefaultExports: { direct: true, named: true, defaultFrom: true, namedFrom: true, namespaceFrom: true } },
      ],
    },
  },
  {
    files: ['**/*.ts', '**/*.tsx'],
    ignores: testFiles,
    plugins: { 'import-x': importX, firebreak: { rules: { 'surface-imports': surfaceImports } } },
    settings: { 'import-x/resolver-next': [createNodeResolver({ extensions: ['.ts', '.tsx', '.js'] })] },
    rules: {
      'import-x/no-restricted-paths': ['error', { basePath: root, zones: directionZones }],
      'firebreak/surface-imports': 'error',
    },
  },
  {
    // A delete or update with no where clause touches every row; the code names its drizzle handles db and tx.
    files: ['**/*.ts', '**/*.tsx'],
    plugins: { drizzle },
    rules: {
      'drizzle/enforce-delete-with-where': ['error', { drizzleObjectName: ['db', 'tx'] }],
      'drizzle/enforce-update-with-where': ['error', { drizzleObjectName: ['db', 'tx'] }],
    },
  },
  {
    files: ['**/*.config.ts', '**/*.config.js', 'drizzle.config.ts', 'vitest.config.ts', 'eslint.config.js'],
    rules: { 'no-restricted-exports': 'off' },
  },
  {
    files: ['bin/*.js'],
    languageOptions: { globals: { process: 'readonly', console: 'readonly' } },
  },
);
