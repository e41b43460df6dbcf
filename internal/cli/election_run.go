package cli

import (
	"context"
	"crypto/rand"
	"encoding/json"
	"fmt"
	"time"

	"github.com/govchain/govchain/api/apitype"
	"github.com/govchain/govchain/client"
	"github.com/govchain/govchain/crypto"
	"github.com/govchain/govchain/evoting"
	"github.com/govchain/govchain/tx"
	"github.com/govchain/govchain/x/identity"
	"github.com/govchain/govchain/x/voting"
)

// ElectionRun drives a whole election through a node's API, as the
// commission, the trustees and the voters would: it is what the CLI
// tests, the e2e election test and the voting bench run. The trustees'
// secrets live here (in a real election each trustee keeps its own).
type ElectionRun struct {
	C          *client.Client
	Msg        voting.MsgCreateElection
	Commission *client.Signer
	Trustees   []*client.Signer
	Voters     []*client.Signer
	K          *evoting.Point

	dealers []*evoting.Dealer
	tkeys   []*evoting.Scalar
}

// ElectionContests is the bench and test election: one 5-option
// choose-one contest.
var ElectionContests = []voting.Contest{{ID: "mayor", Options: []string{"a", "b", "c", "d", "e"}, Limit: 1}}

// newAccounts creates n accounts by admin, up to 16 in one tx (the limit of messages per tx).
func newAccounts(ctx context.Context, c *client.Client, admin *client.Signer, n int, roles []string, citizen bool) ([]*client.Signer, error) {
	var out []*client.Signer
	for len(out) < n {
		var msgs []tx.Msg
		for len(out) < n && len(msgs) < 16 {
			k, err := crypto.GenerateKey(crypto.AlgEd25519, nil)
			if err != nil {
				return nil, err
			}
			msgs = append(msgs, client.Msg(identity.TypeCreateAccount, identity.MsgCreateAccount{Algorithm: k.Algorithm, PublicKey: k.PublicKey(), Roles: roles, Citizen: citizen}))
			out = append(out, &client.Signer{Key: k, Address: k.Address(), ChainID: admin.ChainID})
		}
		if _, err := c.Exec(ctx, admin, msgs...); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// latestTime is the block time of the node's latest block.
func latestTime(ctx context.Context, c *client.Client) (time.Time, error) {
	st, err := c.Status(ctx)
	if err != nil {
		return time.Time{}, err
	}
	return time.Parse(time.RFC3339Nano, st.LatestTime)
}

// WaitBlockTime returns once a committed block's time is at or after t.
func WaitBlockTime(ctx context.Context, c *client.Client, t int64) error {
	for {
		now, err := latestTime(ctx, c)
		if err == nil && now.Unix() >= t {
			return nil
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("waiting for block time %d: %w", t, ctx.Err())
		case <-time.After(100 * time.Millisecond):
		}
	}
}

// SetupElection creates the commission (ec admin), n trustees and the
// voters (cab admin), then the election opening in opensIn and lasting
// lasts (block time), runs the key ceremony (commitments, encrypted
// shares) and puts the voters on the roll.
func SetupElection(ctx context.Context, c *client.Client, ec, cab *client.Signer, id string, trustees, k, voters int, opensIn, lasts time.Duration, revote bool) (*ElectionRun, error) {
	r := &ElectionRun{C: c}
	cs, err := newAccounts(ctx, c, ec, 1, []string{voting.RoleCommission}, false)
	if err != nil {
		return nil, err
	}
	r.Commission = cs[0]
	if r.Trustees, err = newAccounts(ctx, c, cab, trustees, nil, true); err != nil {
		return nil, err
	}
	if r.Voters, err = newAccounts(ctx, c, cab, voters, nil, true); err != nil {
		return nil, err
	}
	var addrs []string
	for _, v := range r.Voters {
		addrs = append(addrs, v.Address)
	}
	now, err := latestTime(ctx, c)
	if err != nil {
		return nil, err
	}
	r.Msg = voting.MsgCreateElection{ID: id, Contests: ElectionContests, Threshold: uint32(k), Revote: revote,
		Start: now.Add(opensIn).Unix(), End: now.Add(opensIn + lasts).Unix()}
	for _, t := range r.Trustees {
		r.Msg.Trustees = append(r.Msg.Trustees, t.Address)
	}
	if _, err := c.Exec(ctx, r.Commission, client.Msg(voting.TypeCreateElection, r.Msg)); err != nil {
		return nil, fmt.Errorf("create election: %w", err)
	}
	for i := 0; i < len(addrs); i += voting.MaxVotersPerBatch {
		batch := addrs[i:min(len(addrs), i+voting.MaxVotersPerBatch)]
		if _, err := c.Exec(ctx, r.Commission, client.Msg(voting.TypeAddVoters, voting.MsgAddVoters{Election: id, Voters: batch})); err != nil {
			return nil, fmt.Errorf("add voters: %w", err)
		}
	}
	return r, r.ceremony(ctx)
}

func (r *ElectionRun) manifest() *evoting.Manifest {
	e := voting.Election{ID: r.Msg.ID, Contests: r.Msg.Contests, Trustees: r.Msg.Trustees, Threshold: r.Msg.Threshold}
	return e.Manifest()
}

func (r *ElectionRun) ceremony(ctx context.Context) error {
	cctx := evoting.CeremonyContext(r.manifest())
	var cs []*evoting.Commitment
	for i, s := range r.Trustees {
		d, cm, err := evoting.NewDealer(cctx, uint32(i+1), int(r.Msg.Threshold), rand.Reader)
		if err != nil {
			return err
		}
		t, err := evoting.RandomScalar(nil)
		if err != nil {
			return err
		}
		raw, _ := json.Marshal(cm)
		msg := voting.MsgCommitKey{Election: r.Msg.ID, Commitment: raw, TransportKey: evoting.G().ScalarBaseMult(t).Encode(nil)}
		if _, err := r.C.Exec(ctx, s, client.Msg(voting.TypeCommitKey, msg)); err != nil {
			return fmt.Errorf("trustee %d commitment: %w", i+1, err)
		}
		r.dealers, r.tkeys, cs = append(r.dealers, d), append(r.tkeys, t), append(cs, cm)
	}
	r.K = evoting.JointKey(cs)
	n := len(r.Trustees)
	for i, s := range r.Trustees {
		shares := make([]byte, 0, 64*n)
		for l := 1; l <= n; l++ {
			if l == i+1 {
				shares = append(shares, make([]byte, 64)...)
				continue
			}
			enc, err := evoting.EncryptShare(evoting.G().ScalarBaseMult(r.tkeys[l-1]), r.dealers[i].Share(uint32(l)), nil)
			if err != nil {
				return err
			}
			shares = append(shares, enc...)
		}
		if _, err := r.C.Exec(ctx, s, client.Msg(voting.TypePostShares, voting.MsgPostShares{Election: r.Msg.ID, Shares: shares})); err != nil {
			return fmt.Errorf("trustee %d shares: %w", i+1, err)
		}
	}
	return nil
}

// Ballot encrypts a choose-one ballot for option choice (spoiled: with
// its reveal).
func (r *ElectionRun) Ballot(id string, choice int, spoil bool) ([]byte, error) {
	ch := make([]uint64, len(r.Msg.Contests[0].Options))
	ch[choice] = 1
	b, op, err := evoting.EncryptBallot(r.manifest(), r.K, id, [][]uint64{ch}, nil, rand.Reader)
	if err != nil {
		return nil, err
	}
	if spoil {
		evoting.Spoil(b, op)
	}
	return json.Marshal(b)
}

// SignCast signs voter i's cast of a ballot for choice (to submit later).
func (r *ElectionRun) SignCast(i int, ballotID string, choice int) ([]byte, error) {
	b, err := r.Ballot(ballotID, choice, false)
	if err != nil {
		return nil, err
	}
	return r.Voters[i].Sign("", client.Msg(voting.TypeCastBallot, voting.MsgCastBallot{Election: r.Msg.ID, Ballot: b}))
}

// Exec signs and submits one message of voter or trustee s, waiting for
// the commit.
func (r *ElectionRun) Exec(ctx context.Context, s *client.Signer, typ string, body any) (*apitype.SubmitResult, error) {
	return r.C.Exec(ctx, s, client.Msg(typ, body))
}

// Decrypt has trustee l (from 1) post its partial decryption of the
// aggregate as the chain holds it.
func (r *ElectionRun) Decrypt(ctx context.Context, l int) error {
	var e voting.Election
	if err := r.C.Get(ctx, client.Path("voting", "elections", r.Msg.ID), &e); err != nil {
		return err
	}
	var sh []*evoting.Scalar
	for _, d := range r.dealers {
		sh = append(sh, d.Share(uint32(l)))
	}
	x := evoting.SecretShare(sh)
	mh := e.Manifest().Hash()
	var ps []evoting.Partial
	i := 0
	for _, c := range e.Contests {
		for oi := range c.Options {
			ct, err := evoting.DecodeCiphertext(e.Aggregate[i])
			if err != nil {
				return err
			}
			D, p, err := evoting.PartialDecrypt(evoting.Context{Manifest: mh, Label: fmt.Sprintf("decrypt/%s/%d/%d", c.ID, oi, l)}, x, ct.A, rand.Reader)
			if err != nil {
				return err
			}
			ps = append(ps, evoting.Partial{Trustee: uint32(l), Share: D, Proof: p})
			i++
		}
	}
	raw, _ := json.Marshal(ps)
	_, err := r.C.Exec(ctx, r.Trustees[l-1], client.Msg(voting.TypeDecrypt, voting.MsgDecrypt{Election: r.Msg.ID, Partials: raw}))
	return err
}
