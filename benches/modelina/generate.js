#!/usr/bin/env node
// Times Modelina's RustGenerator on one AsyncAPI document and prints one
// JSON object on stdout.
//
// Usage: node generate.js FILE [--runs N] [--warmup N] [--package DIR]
//                          [--no-example-checks]
//
// Three timings, each the median of N runs after the warm-up runs:
//
// - end_to_end_ms: read the file and call `RustGenerator.generate` on its
//   text. Modelina then parses and validates the document with
//   @asyncapi/parser (through @asyncapi/multi-parser, with the schema
//   parsers), converts the payloads to its meta model and renders Rust.
//   This is the counterpart of Hookforge's `generate_types`.
// - parse_ms: the @asyncapi/parser step alone, set up the way Modelina's
//   AsyncAPI input processor sets it up.
// - generate_from_parsed_ms: `RustGenerator.generate` on a document parsed
//   once before timing, so without parsing and validation.
//
// With --package DIR, the script also writes Modelina's own crate layout
// (`RustFileGenerator.generateToPackage` with its default package options:
// Cargo.toml, src/lib.rs and a file per model) into DIR, for a compile check.
//
// With --no-example-checks, the parser runs without its rules that check
// `examples` against their schemas (Hookforge reports a mismatch as a
// warning and generates anyway). The rules stay on by default, as Modelina
// sets them.
//
// For a document that Modelina rejects, the script prints `"ok": false`
// with the error and its first diagnostics. It still exits 0, so that a
// caller can record the failure next to the other results.

'use strict';

const fs = require('fs');
const path = require('path');
const { performance } = require('perf_hooks');
const {
  RustGenerator,
  RustFileGenerator,
  defaultRustRenderCompleteModelOptions,
  Logger
} = require('@asyncapi/modelina');
const { NewParser } = require('@asyncapi/multi-parser');

const USAGE =
  'usage: node generate.js FILE [--runs N] [--warmup N] [--package DIR] [--no-example-checks]';

/**
 * Spectral rules of @asyncapi/parser 3.6 that validate `examples` against
 * their schemas, all of severity error. Its AsyncAPI 3 ruleset has none.
 */
const EXAMPLE_RULES = [
  'asyncapi2-message-examples',
  'asyncapi2-message-examples-custom-format',
  'asyncapi2-schema-examples'
];

/** Reads the command line into { file, runs, warmup, packageDir }. */
function parseArguments(argv) {
  const options = {
    file: undefined,
    runs: 5,
    warmup: 1,
    packageDir: undefined,
    exampleChecks: true
  };
  for (let i = 0; i < argv.length; i += 1) {
    const argument = argv[i];
    const value = argv[i + 1];
    if (argument === '--runs' || argument === '--warmup') {
      const count = Number.parseInt(value, 10);
      if (!Number.isInteger(count) || count < (argument === '--runs' ? 1 : 0)) {
        throw new Error(`invalid ${argument} value "${value}": expected a whole number`);
      }
      options[argument === '--runs' ? 'runs' : 'warmup'] = count;
      i += 1;
    } else if (argument === '--package') {
      if (value === undefined) {
        throw new Error('--package needs a folder path');
      }
      options.packageDir = value;
      i += 1;
    } else if (argument === '--no-example-checks') {
      options.exampleChecks = false;
    } else if (options.file === undefined && !argument.startsWith('--')) {
      options.file = argument;
    } else {
      throw new Error(`unexpected argument "${argument}"\n${USAGE}`);
    }
  }
  if (options.file === undefined) {
    throw new Error(`missing FILE\n${USAGE}`);
  }
  return options;
}

function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1
    ? sorted[middle]
    : (sorted[middle - 1] + sorted[middle]) / 2;
}

/** Runs `action` warmup + runs times and returns the timed durations in ms. */
async function time(action, warmup, runs) {
  for (let i = 0; i < warmup; i += 1) {
    await action();
  }
  const durations = [];
  for (let i = 0; i < runs; i += 1) {
    const start = performance.now();
    await action();
    durations.push(performance.now() - start);
  }
  return durations;
}

/**
 * Builds the parser options: none by default, or a ruleset that turns the
 * example rules off.
 */
function parserOptions(exampleChecks) {
  if (exampleChecks) {
    return {};
  }
  const rules = Object.fromEntries(EXAMPLE_RULES.map((rule) => [rule, 'off']));
  return { ruleset: { rules } };
}

/** Parses the text the way Modelina's AsyncAPI input processor does. */
async function parseDocument(text, options) {
  const parser = NewParser(3, { parserOptions: options, includeSchemaParsers: true });
  const { document, diagnostics } = await parser.parse(text, options);
  return { document, diagnostics };
}

/** Formats the first error diagnostics of a failed parse as short strings. */
function firstErrors(diagnostics, count) {
  return (diagnostics || [])
    .filter((d) => d.severity === 0)
    .slice(0, count)
    .map((d) => `${d.code}: ${d.message} at /${(d.path || []).join('/')}`);
}

function progress(message) {
  process.stderr.write(`${new Date().toISOString()} ${message}\n`);
}

function round(ms) {
  return Math.round(ms * 100) / 100;
}

async function measure(options) {
  const file = path.resolve(options.file);
  const text = fs.readFileSync(file, 'utf8');
  const result = {
    file,
    bytes: Buffer.byteLength(text),
    modelina_version: require('@asyncapi/modelina/package.json').version,
    parser_version: require('@asyncapi/parser/package.json').version,
    runs: options.runs,
    warmup: options.warmup,
    example_checks: options.exampleChecks
  };
  const asyncapi = parserOptions(options.exampleChecks);

  // The first parse and the first generation are timed on their own and
  // logged to stderr as they finish, so that a run stopped by a time limit
  // still shows how far it got. They also serve as warm-up runs.
  let start = performance.now();
  const parsed = await parseDocument(text, asyncapi);
  result.first_parse_ms = round(performance.now() - start);
  progress(`first parse: ${result.first_parse_ms} ms`);
  if (!parsed.document) {
    return {
      ...result,
      ok: false,
      error: 'Modelina\'s parser rejected the document',
      diagnostics: firstErrors(parsed.diagnostics, 3)
    };
  }

  const generator = new RustGenerator({ processorOptions: { asyncapi } });
  let models;
  try {
    start = performance.now();
    models = await generator.generate(text);
    result.first_end_to_end_ms = round(performance.now() - start);
    progress(`first end-to-end generation: ${result.first_end_to_end_ms} ms`);
  } catch (error) {
    return {
      ...result,
      ok: false,
      error: String(error && error.message ? error.message : error),
      diagnostics: firstErrors(error && error.diagnostics, 3)
    };
  }
  const named = models.filter((m) => m.modelName !== '' && m.modelName !== undefined);
  result.ok = true;
  result.models = named.length;
  result.unnamed_outputs = models.length - named.length;
  result.output_bytes = named.reduce((sum, m) => sum + Buffer.byteLength(m.result), 0);

  const endToEnd = await time(
    () => generator.generate(fs.readFileSync(file, 'utf8')),
    options.warmup,
    options.runs
  );
  const parse = await time(() => parseDocument(text, asyncapi), options.warmup, options.runs);
  const fromParsed = await time(
    () => generator.generate(parsed.document),
    options.warmup,
    options.runs
  );
  result.end_to_end_ms = round(median(endToEnd));
  result.parse_ms = round(median(parse));
  result.generate_from_parsed_ms = round(median(fromParsed));
  result.end_to_end_all_ms = endToEnd.map(round);

  if (options.packageDir !== undefined) {
    fs.rmSync(options.packageDir, { recursive: true, force: true });
    fs.mkdirSync(path.join(options.packageDir, 'src'), { recursive: true });
    const fileGenerator = new RustFileGenerator({ processorOptions: { asyncapi } });
    const written = await fileGenerator.generateToPackage(
      text,
      options.packageDir,
      defaultRustRenderCompleteModelOptions,
      true
    );
    result.package_dir = path.resolve(options.packageDir);
    result.package_files = written.length;
  }
  return result;
}

async function main() {
  // Modelina logs through a replaceable logger; silence it so that stdout
  // carries only the JSON result.
  Logger.setLogger(undefined);
  let options;
  try {
    options = parseArguments(process.argv.slice(2));
  } catch (error) {
    process.stderr.write(`${error.message}\n`);
    process.exit(2);
  }
  const result = await measure(options);
  process.stdout.write(`${JSON.stringify(result)}\n`);
}

main().catch((error) => {
  process.stderr.write(`modelina benchmark failed: ${error && error.stack ? error.stack : error}\n`);
  process.exit(1);
});
