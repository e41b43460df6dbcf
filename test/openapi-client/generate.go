// Package openapiclient checks govchain's OpenAPI document from the outside:
// govapi is a client generated from the document by oapi-codegen, in a
// module of its own that does not import govchain, and the tests drive a
// real node (the govchain binary named by $GOVCHAIN_BIN) with it.
//
// Regenerate after a change to the API (the first line rewrites
// openapi.json, the document a node serves at /v1/openapi.json; the second
// the client; .ci/openapi-check fails when either is stale):
//
//	go generate ./...
package openapiclient

//go:generate go -C ../.. run ./cmd/govchain openapi --out test/openapi-client/openapi.json
//go:generate go tool oapi-codegen -config oapi-codegen.yaml openapi.json
