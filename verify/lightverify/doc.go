// Package lightverify is CometBFT's light client header verification
// (Verify, VerifyAdjacent, VerifyNonAdjacent, VerifyBackwards,
// ValidateTrustLevel, HeaderExpired and the errors they return), copied
// unchanged from CometBFT v0.38.26's package light (light/verifier.go and
// part of light/errors.go).
//
// It is a copy because package light is more than its verifier: it also
// holds the light client, which imports the HTTP provider
// (light/provider/http), and through it CometBFT's RPC client, p2p, the
// node config and cometbft-db with its database drivers. An offline
// verifier (package verify, and through it the Go SDK) needs the pure
// functions only, which depend on nothing but cometbft/types and
// libs/math. The tests check this copy against light.Verify on the same
// inputs; when the pinned CometBFT version changes, copy the new
// verifier.go and let those tests say whether anything differs.
//
// This product includes software developed by Cosmos Labs (CometBFT),
// licensed under the Apache License, Version 2.0
// (http://www.apache.org/licenses/LICENSE-2.0); see the header of each
// copied file.
package lightverify
