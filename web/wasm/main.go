//go:build js && wasm

// Command wasm is the browser's proof verifier: the verify package and the
// chain's module list (x/modules) compiled to WebAssembly, so that the web
// UI checks proofs with the same code as `govchain verify`. It registers
// one JavaScript function,
//
//	govchainVerify(kind, file, trust, trustKind, hashSuite) -> JSON string
//
// kind: receipt, state, log or consistency; file: the proof file's text;
// trust: a genesis.json (trustKind "genesis") or a light block ("header",
// for a chain of hashSuite); the answer: {"ok": true, "result": Result}
// or {"ok": false, "error": "..."}. Built by `go generate ./web`.
//
// A second function checks a credential presentation bundle
// (docs/credentials.md) with credential/bundle, as `govchain credential
// verify` does:
//
//	govchainVerifyCredential(bundle, genesis, audience, nonce, nowUnix) -> JSON string
//
// answering {"ok": true, "result": bundle.Result} or {"ok": false, "error"}.
package main

import (
	"encoding/json"
	"syscall/js"

	"github.com/govchain/govchain/credential"
	"github.com/govchain/govchain/credential/bundle"
	"github.com/govchain/govchain/verify"
	"github.com/govchain/govchain/x/modules"
)

func main() {
	js.Global().Set("govchainVerify", js.FuncOf(func(this js.Value, args []js.Value) any {
		if len(args) < 3 {
			return answer(nil, errString("govchainVerify(kind, file, trust, trustKind, hashSuite)"))
		}
		kind, file, trustText := args[0].String(), args[1].String(), args[2].String()
		trustKind, suite := "genesis", "sha256"
		if len(args) > 3 && args[3].Type() == js.TypeString {
			trustKind = args[3].String()
		}
		if len(args) > 4 && args[4].Type() == js.TypeString {
			suite = args[4].String()
		}
		var t *verify.Trust
		var err error
		if trustKind == "header" {
			t, err = verify.TrustLightBlockJSON([]byte(trustText), suite)
		} else {
			t, err = verify.TrustGenesisJSON([]byte(trustText))
		}
		if err != nil {
			return answer(nil, err)
		}
		return answer(verify.VerifyFile(kind, []byte(file), t, modules.DecodeRecord))
	}))
	js.Global().Set("govchainVerifyCredential", js.FuncOf(func(this js.Value, args []js.Value) any {
		if len(args) < 5 {
			return answerAny(nil, errString("govchainVerifyCredential(bundle, genesis, audience, nonce, nowUnix)"))
		}
		t, err := verify.TrustGenesisJSON([]byte(args[1].String()))
		if err != nil {
			return answerAny(nil, err)
		}
		e := credential.Expect{Audience: args[2].String(), Nonce: args[3].String(), Now: int64(args[4].Float())}
		res, err := bundle.Verify([]byte(args[0].String()), t, e, bundle.Options{})
		return answerAny(res, err)
	}))
	js.Global().Call("dispatchEvent", js.Global().Get("Event").New("govchain-verifier-ready"))
	select {}
}

type errString string

func (e errString) Error() string { return string(e) }

func answer(r *verify.Result, err error) string { return answerAny(r, err) }

func answerAny(r any, err error) string {
	out := map[string]any{"ok": err == nil}
	if err != nil {
		out["error"] = err.Error()
	} else {
		out["result"] = r
	}
	b, _ := json.Marshal(out)
	return string(b)
}
