package node_test

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"net/http"
	"testing"
	"time"

	"github.com/govchain/govchain/api/apitype"
	"github.com/govchain/govchain/client"
	"github.com/govchain/govchain/crypto"
	"github.com/govchain/govchain/node"
	"github.com/govchain/govchain/node/nodetest"
	"github.com/govchain/govchain/tx"
	"github.com/govchain/govchain/x/identity"
)

// The server's read and write timeouts do not cut what is meant to last:
// a submission waiting for its commit answers after its own timeout (504,
// not a dropped connection), and the event stream keeps delivering.
func TestLongRequestsOutliveServerTimeouts(t *testing.T) {
	d := nodetest.StartDev(t, nodetest.WithAppConfig(func(c *node.AppConfig) {
		c.HTTPReadTimeout, c.HTTPWriteTimeout = time.Second, time.Second
	}))
	ctx, cancel := context.WithTimeout(context.Background(), nodetest.Timeout)
	defer cancel()
	sub, err := d.Client.Subscribe(ctx, apitype.EventFilter{})
	if err != nil {
		t.Fatal(err)
	}
	defer sub.Close()

	newCitizen := func() tx.Msg {
		k, _ := crypto.GenerateKey(crypto.AlgEd25519, nil)
		return client.Msg(identity.TypeCreateAccount, identity.MsgCreateAccount{Algorithm: k.Algorithm, PublicKey: k.PublicKey(), Citizen: true})
	}
	s := d.Admin("cab")
	// A tx one sequence ahead waits in the mempool and cannot commit on its
	// own: waiting 2 s for it outlasts the 1 s write timeout.
	s.Sequence++
	gapped, err := s.Sign("", newCitizen())
	if err != nil {
		t.Fatal(err)
	}
	body, _ := json.Marshal(apitype.SubmitRequest{Tx: base64.StdEncoding.EncodeToString(gapped)})
	t0 := time.Now()
	resp, err := http.Post(d.URL+"/v1/txs?wait=commit&timeout=2s", "application/json", bytes.NewReader(body))
	if err != nil {
		t.Fatalf("waiting submission cut off after %s: %v", time.Since(t0), err)
	}
	var p apitype.Problem
	json.NewDecoder(resp.Body).Decode(&p)
	resp.Body.Close()
	if resp.StatusCode != http.StatusGatewayTimeout || p.Status != 504 {
		t.Fatalf("waiting submission: %d %+v", resp.StatusCode, p)
	}

	// The stream, open for more than the timeouts, still delivers: the tx
	// that fills the gap, then the one that waited.
	s.Sequence -= 2
	res, err := d.Client.Exec(ctx, s, newCitizen())
	if err != nil {
		t.Fatal(err)
	}
	for {
		m, err := sub.Next(ctx)
		if err != nil {
			t.Fatalf("event stream after %s: %v", time.Since(t0), err)
		}
		if m.TxHash == res.Hash {
			break
		}
	}
}
