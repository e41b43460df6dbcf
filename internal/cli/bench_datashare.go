package cli

import (
	"context"
	"crypto/sha256"
	"encoding/binary"
	"fmt"
	"time"

	"github.com/govchain/govchain/client"
	"github.com/govchain/govchain/crypto"
	"github.com/govchain/govchain/node"
	"github.com/govchain/govchain/x/datashare"
)

// benchDatashare measures access-log entries per second: the owner
// department (--from's) publishes a dataset and grants one request of
// another department; then --accounts data service accounts of the owner
// log --txs accesses under that grant, one datashare.log_access per tx,
// each carrying a request signed by the requester's account (so every
// entry costs the chain a second signature check, a replay-index write
// and the grant's counter). The setup is outside the timing.
func (g *globals) benchDatashare(ctx context.Context, c *client.Client, o benchOpts, loadKey func(string) (*crypto.PrivateKey, error)) (BenchResult, error) {
	services, err := createBenchAccounts(ctx, c, o, loadKey, "service", datashare.RoleService)
	if err != nil {
		return BenchResult{}, err
	}
	one := o
	one.accounts = 1
	stewards, err := createBenchAccounts(ctx, c, one, loadKey, "steward", datashare.RoleSteward)
	if err != nil {
		return BenchResult{}, err
	}
	// The requester is of another department.
	other := one
	other.from = node.AdminKeyName("mof")
	if o.from == other.from {
		other.from = node.AdminKeyName("nrb")
	}
	requesters, err := createBenchAccounts(ctx, c, other, loadKey, "requester", datashare.RoleRequester)
	if err != nil {
		return BenchResult{}, err
	}
	steward, requester := stewards[0], requesters[0]
	id := "bench-" + steward.Address[:12]
	if _, err := c.Exec(ctx, steward, client.Msg(datashare.TypePublishDataset, datashare.MsgPublishDataset{ID: id, Name: "Bench dataset",
		SchemaHash: make([]byte, 32), LegalBasis: "bench", Sensitivity: datashare.LevelInternal, RetentionDays: 1})); err != nil {
		return BenchResult{}, err
	}
	now := time.Now().Unix()
	if _, err := c.Exec(ctx, requester, client.Msg(datashare.TypeRequestAccess, datashare.MsgRequestAccess{Dataset: id, Purpose: "bench",
		From: now - 60, Until: now + 3600})); err != nil {
		return BenchResult{}, err
	}
	p, err := client.List[datashare.Request](ctx, c, client.Path(datashare.Name, "datasets", id, "requests"))
	if err != nil || len(p.Items) != 1 {
		return BenchResult{}, fmt.Errorf("bench: the bench request: %v", err)
	}
	grant := p.Items[0].ID
	if _, err := c.Exec(ctx, steward, client.Msg(datashare.TypeApprove, datashare.MsgDecision{Request: grant})); err != nil {
		return BenchResult{}, err
	}
	perAccount := make([][][]byte, len(services))
	txBytes := 0
	for j := 0; j < o.txs; j++ {
		i := j % len(services)
		nonce := binary.BigEndian.AppendUint64([]byte(requester.Address[:8]), uint64(j))
		q := sha256.Sum256(nonce)
		r := &datashare.AccessRequest{ChainID: services[i].ChainID, Grant: grant, Dataset: id, Purpose: "bench", Audience: services[i].Address,
			Requester: requester.Address, Time: time.Now().Unix(), Nonce: nonce, Query: q[:]}
		body, sig := r.Sign(requester.Key)
		raw, err := services[i].Sign("", client.Msg(datashare.TypeLogAccess, datashare.MsgLogAccess{Request: body, Algorithm: requester.Key.Algorithm,
			Signature: sig, ResponseHash: q[:]}))
		if err != nil {
			return BenchResult{}, err
		}
		perAccount[i] = append(perAccount[i], raw)
		txBytes = max(txBytes, len(raw))
	}
	st, err := c.Status(ctx)
	if err != nil {
		return BenchResult{}, err
	}
	res, err := g.submitAll(ctx, c, o, perAccount, txBytes, st.LatestHeight, "datashare.log_access (one access-log entry per tx)")
	if err != nil {
		return res, err
	}
	if res.Failed > 0 {
		return res, fmt.Errorf("bench: %d of %d access-log entries failed", res.Failed, res.Txs)
	}
	return res, nil
}
