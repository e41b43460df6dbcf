package app

import (
	"testing"

	"github.com/govchain/govchain/tx"
	"github.com/govchain/govchain/x/identity"
)

// A tx from a signer with no account (or another key) costs no signature
// verification: CheckTx refuses it as an unknown signer whatever its
// signature, and PreVerify does not verify it (before, both verified the
// signature first, so anyone could make every node spend CPU on Ed25519
// or SM2 with txs from made-up accounts).
func TestUnknownSignerCostsNoVerification(t *testing.T) {
	h := newHarness(t)
	body := msg(t, identity.TypeCreateAccount, identity.MsgCreateAccount{Algorithm: "ed25519", PublicKey: h.key("x").PublicKey(), Citizen: true})
	nobody := h.key("nobody")
	good, err := tx.Sign(&tx.Tx{Body: tx.Body{ChainID: testChain, Signer: nobody.Address(), Msgs: []tx.Msg{body}}}, nobody)
	if err != nil {
		t.Fatal(err)
	}
	bad := append([]byte{}, good...)
	bad[len(bad)-2] ^= 0xff // the signature's last bytes
	for name, raw := range map[string][]byte{"valid signature": good, "invalid signature": bad} {
		if r := h.checkTx(raw); r.Code != ErrUnknownSigner.Code {
			t.Errorf("%s from an unknown signer: code %d, want %d (unknown signer, before any signature check)", name, r.Code, ErrUnknownSigner.Code)
		}
	}
	h.app.PreVerify([][]byte{good})
	h.app.sigMu.Lock()
	_, verified := h.app.sigCache[h.app.TxHash(good)]
	h.app.sigMu.Unlock()
	if verified {
		t.Fatal("PreVerify verified the signature of an unknown signer")
	}
	// A known signer's tx is still verified ahead of CheckTx.
	known := h.sign("mof", body)
	h.app.PreVerify([][]byte{known})
	h.app.sigMu.Lock()
	_, verified = h.app.sigCache[h.app.TxHash(known)]
	h.app.sigMu.Unlock()
	if !verified {
		t.Fatal("PreVerify skipped a known signer")
	}
}
