package node

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"

	"github.com/cometbft/cometbft/privval"

	"github.com/govchain/govchain/crypto"
	"github.com/govchain/govchain/x/identity"
)

// A priv_validator_key.json as init and testnet write it signs proofs of
// possession that x/identity accepts: the same Ed25519 key and signature.
func TestReadValidatorKey(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "priv_validator_key.json")
	pv := privval.GenFilePV(path, filepath.Join(dir, "state.json"))
	pv.Save()
	vk, err := ReadValidatorKey(path)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(vk.PublicKey, pv.Key.PubKey.Bytes()) {
		t.Fatal("public key")
	}
	a := identity.Action{Kind: identity.KindAddDepartment, Department: "moh", ValidatorKey: vk.PublicKey, Power: 10}
	if err := a.ProvePossession("c", 0, vk.Sign); err != nil {
		t.Fatal(err)
	}
	if err := crypto.Verify(crypto.AlgEd25519, vk.PublicKey, identity.PossessionBytes("c", a.Possession(0)), a.ValidatorSignature); err != nil {
		t.Fatal(err)
	}
	for name, content := range map[string]string{"not json": "{", "no key": "{}"} {
		p := filepath.Join(dir, name)
		os.WriteFile(p, []byte(content), 0o600)
		if _, err := ReadValidatorKey(p); err == nil {
			t.Errorf("%s: read", name)
		}
	}
	if _, err := ReadValidatorKey(filepath.Join(dir, "absent")); err == nil {
		t.Error("absent file read")
	}
}
