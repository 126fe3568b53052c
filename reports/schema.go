package reports

import _ "embed"

// Schema is the JSON Schema (draft 2020-12) of report.json, for consumers that validate a
// report before they trust it. The tests validate every report they write against it, so the
// schema and the Go types cannot drift apart.
//
//go:embed report.schema.json
var Schema []byte
