// Package vectorgen writes the proof files of verify/testdata from a
// running chain: it commits a few transactions through the API (accounts,
// a parcel, a transfer) and saves what the API answers, byte for byte. The
// single-validator files come from verify's tests (-update), the
// four-validator files from test/e2e (-update); nothing is hand-made.
//
// It is test tooling: it imports the SDK and modules, and nothing in the
// product imports it.
package vectorgen

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/govchain/govchain/api/apitype"
	"github.com/govchain/govchain/client"
	"github.com/govchain/govchain/crypto"
	"github.com/govchain/govchain/x/identity"
	"github.com/govchain/govchain/x/registry"
)

// Chain is what the generator needs of a running chain.
type Chain struct {
	Client *client.Client
	// Admin returns the admin signer of a department (cab and nrb).
	Admin func(dept string) *client.Signer
	// WaitSigned waits until height h's app hash is signed (header h+1
	// committed, on the node Client talks to).
	WaitSigned func(h int64)
	// Algo is the account key algorithm (ed25519 or sm2).
	Algo string
}

// Files are the files Write makes, by name.
var Files = []string{"receipt.json", "log.json", "light.json", "state.json", "state_absent.json",
	"record.json", "record_transfer.json", "consistency.json"}

// Write commits the transactions and writes Files into dir.
func Write(ctx context.Context, ch Chain, dir string) error {
	c := ch.Client
	cab := ch.Admin("cab")
	var raws [][]byte
	var keys []*crypto.PrivateKey
	for i := 0; i < 5; i++ {
		k, err := crypto.GenerateKey(ch.Algo, nil)
		if err != nil {
			return err
		}
		keys = append(keys, k)
		raw, err := cab.Sign("", client.Msg(identity.TypeCreateAccount, identity.MsgCreateAccount{Algorithm: k.Algorithm, PublicKey: k.PublicKey(), Citizen: true}))
		if err != nil {
			return err
		}
		raws = append(raws, raw)
	}
	res, err := c.SubmitBatch(ctx, raws, true)
	if err != nil {
		return err
	}
	for _, r := range res {
		if r.Code != 0 {
			return fmt.Errorf("create account: code %d %s", r.Code, r.Log)
		}
	}
	owner, buyer := keys[2], keys[3]
	// A registrar, a parcel and an open transfer (a record with a field
	// derived at read time).
	rk, err := crypto.GenerateKey(ch.Algo, nil)
	if err != nil {
		return err
	}
	nrb := ch.Admin("nrb")
	if err := exec(ctx, c, nrb, identity.TypeCreateAccount, identity.MsgCreateAccount{Algorithm: rk.Algorithm, PublicKey: rk.PublicKey(), Roles: []string{registry.RoleRegistrar}}); err != nil {
		return err
	}
	reg, err := c.NewSigner(ctx, rk, rk.Address())
	if err != nil {
		return err
	}
	if err := exec(ctx, c, reg, registry.TypeRegisterParcel, registry.MsgRegisterParcel{Number: "BJ-001", District: "Dongcheng", Area: 8956, Use: "residential",
		Owners: []registry.Owner{{Account: owner.Address(), Share: 10000}}}); err != nil {
		return err
	}
	ownerS, err := c.NewSigner(ctx, owner, owner.Address())
	if err != nil {
		return err
	}
	last, err := c.Exec(ctx, ownerS, client.Msg(registry.TypeOpenTransfer, registry.MsgOpenTransfer{Parcel: "BJ-001", Buyers: []registry.Owner{{Account: buyer.Address(), Share: 10000}}, Price: 250_000_000}))
	if err != nil || last.Code != 0 {
		return fmt.Errorf("open transfer: %v %+v", err, last)
	}
	// Everything below is anchored at the height of the last tx, once
	// signed.
	ch.WaitSigned(last.Height)
	get := func(path, file string) error {
		var raw json.RawMessage
		if err := c.Get(ctx, path, &raw); err != nil {
			return fmt.Errorf("%s: %w", path, err)
		}
		if strings.Contains(string(raw), `"header_pending"`) {
			return fmt.Errorf("%s: header pending", path)
		}
		return writeFile(filepath.Join(dir, file), raw)
	}
	h := fmt.Sprint(last.Height)
	steps := []struct{ path, file string }{
		{"/v1/txs/" + res[2].Hash + "/receipt", "receipt.json"},
		{fmt.Sprintf("/v1/log/proof?index=%d&height=%s", res[3].LogIndex, h), "log.json"},
		{"/v1/light/" + fmt.Sprint(last.Height+1), "light.json"},
		{"/v1/state/identity/acct/" + owner.Address() + "?prove=true&height=" + h, "state.json"},
		{"/v1/state/identity/acct/0000000000000000000000000000000000000000?prove=true&height=" + h, "state_absent.json"},
		{"/v1/registry/parcels/BJ-001?prove=true&height=" + h, "record.json"},
		{"/v1/registry/transfers/1?prove=true&height=" + h, "record_transfer.json"},
	}
	for _, s := range steps {
		if err := get(s.path, s.file); err != nil {
			return err
		}
	}
	// The consistency proof from the log at the accounts' height to the
	// log at the signed height.
	var from, to apitype.Commitments
	if err := c.Get(ctx, fmt.Sprint("/v1/commitments/", res[0].Height), &from); err != nil {
		return err
	}
	if err := c.Get(ctx, "/v1/commitments/"+h, &to); err != nil {
		return err
	}
	return get(fmt.Sprintf("/v1/log/consistency?from=%d&to=%d&prove=true", from.LogSize, to.LogSize), "consistency.json")
}

func exec(ctx context.Context, c *client.Client, s *client.Signer, typ string, body any) error {
	r, err := c.Exec(ctx, s, client.Msg(typ, body))
	if err != nil {
		return err
	}
	if r.Code != 0 {
		return fmt.Errorf("%s: code %d %s", typ, r.Code, r.Log)
	}
	return nil
}

func writeFile(path string, raw []byte) error {
	return os.WriteFile(path, append(append([]byte{}, raw...), '\n'), 0o644)
}
