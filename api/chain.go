package api

import (
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"

	cmttypes "github.com/cometbft/cometbft/types"

	"github.com/govchain/govchain/api/apitype"
	"github.com/govchain/govchain/ledger"
	"github.com/govchain/govchain/tx"
	"github.com/govchain/govchain/verify"
)

// healthz is 200 while the node runs and commits blocks; 503 with the
// reason before genesis and when the chain has stalled (Liveness.Stalled).
func (s *Server) healthz(w http.ResponseWriter, r *http.Request) error {
	if s.app.LastCommitted().Height < 0 {
		return problem(http.StatusServiceUnavailable, "no genesis yet")
	}
	l := s.chain.Liveness()
	if reason := l.Stalled(); reason != "" {
		return problem(http.StatusServiceUnavailable, "stalled: %s", reason)
	}
	return writeJSON(w, http.StatusOK, apitype.Health{Status: "ok", LastBlockAgeSeconds: seconds(l.LastBlockAge)})
}

func (s *Server) status(w http.ResponseWriter, r *http.Request) error {
	m := s.app.LastCommitted()
	l := s.chain.Liveness()
	reason := l.Stalled()
	return writeJSON(w, http.StatusOK, apitype.Status{
		ChainID: s.app.ChainID(), HashSuite: s.app.HashSuite().Name, LatestHeight: m.Height, LatestTime: time.Unix(0, m.Time).UTC().Format(time.RFC3339Nano),
		AppHash: hex.EncodeToString(m.AppHash), StateRoot: hex.EncodeToString(m.StateRoot),
		LogRoot: hex.EncodeToString(m.LogRoot), LogSize: m.LogSize,
		MempoolSize: s.chain.MempoolSize(), Validators: l.Validators, Node: s.chain.Info(),
		Healthy: reason == "", LastBlockAgeSeconds: seconds(l.LastBlockAge), StalledReason: reason, Peers: l.Peers,
		Index: s.indexStatus(r.Context()),
	})
}

// seconds shows a duration in seconds with millisecond precision.
func seconds(d time.Duration) float64 { return float64(d.Milliseconds()) / 1000 }

func (s *Server) block(w http.ResponseWriter, r *http.Request) error {
	var h int64
	if hs := r.PathValue("height"); hs == "latest" {
		h = s.chain.LatestBlockHeight()
	} else {
		var err error
		if h, err = positiveHeight(hs); err != nil {
			return badRequest("height must be a positive integer or \"latest\"")
		}
	}
	b := s.chain.Block(h)
	if b == nil {
		return notFound("no block at height %d", h)
	}
	v := apitype.Block{
		Height: b.Height, Hash: hex.EncodeToString(b.Hash()), Time: b.Time.UTC().Format(time.RFC3339Nano), ChainID: b.ChainID,
		Proposer: hex.EncodeToString(b.ProposerAddress), AppHash: hex.EncodeToString(b.AppHash),
		LastBlockHash: hex.EncodeToString(b.LastBlockID.Hash), ValidatorsHash: hex.EncodeToString(b.ValidatorsHash),
		NumTxs: len(b.Txs), Txs: []string{}, Signers: []string{},
	}
	if b.LastCommit != nil {
		for _, sig := range b.LastCommit.Signatures {
			if sig.BlockIDFlag == cmttypes.BlockIDFlagCommit {
				v.LastCommitSigns++
				v.Signers = append(v.Signers, hex.EncodeToString(sig.ValidatorAddress))
			}
		}
	}
	for _, t := range b.Txs {
		h := s.app.TxHash(t)
		v.Txs = append(v.Txs, hex.EncodeToString(h[:]))
	}
	return writeJSON(w, http.StatusOK, v)
}

// decodeTx shows a tx with each message body decoded where its type is
// routed.
func (s *Server) decodeTx(raw []byte) (apitype.TxBody, bool) {
	t, err := tx.Decode(raw)
	if err != nil {
		return apitype.TxBody{}, false
	}
	v := apitype.TxBody{ChainID: t.Body.ChainID, Signer: t.Body.Signer, Sequence: t.Body.Sequence, Memo: t.Body.Memo, Signature: t.Signature}
	routes := s.app.Routes()
	for _, m := range t.Body.Msgs {
		mv := apitype.Msg{Type: m.Type, Body: base64.StdEncoding.EncodeToString(m.Body)}
		if r, ok := routes[m.Type]; ok && r.Decode != nil {
			if b, err := r.Decode(m.Body); err == nil {
				mv.Body = b
			}
		}
		v.Msgs = append(v.Msgs, mv)
	}
	return v, true
}

// parseHash reads a tx hash: one rule for every malformed id (400).
func parseHash(s string) ([32]byte, error) {
	var h [32]byte
	b, err := hex.DecodeString(strings.ToLower(s))
	if err != nil || len(b) != 32 {
		return h, badRequest("hash must be 64 hex digits")
	}
	copy(h[:], b)
	return h, nil
}

func (s *Server) getTx(w http.ResponseWriter, r *http.Request) error {
	h, err := parseHash(r.PathValue("hash"))
	if err != nil {
		return err
	}
	v, err := s.txView(h)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, v)
}

func (s *Server) txView(h [32]byte) (*apitype.Tx, error) {
	idx, err := s.app.Log().Find(h[:])
	if errors.Is(err, ledger.ErrNotFound) {
		return nil, notFound("no committed transaction %x", h)
	}
	if err != nil {
		return nil, err
	}
	e, d, err := s.app.Log().Entry(idx)
	if err != nil {
		return nil, err
	}
	body, _ := s.decodeTx(d.Tx)
	evs := d.Events
	if evs == nil {
		evs = []ledger.Event{}
	}
	return &apitype.Tx{
		Hash: hex.EncodeToString(e.TxHash), Height: e.Height, Index: d.TxIndex, LogIndex: idx, Code: e.Code, Log: d.Log,
		Events: evs, EventsHash: hex.EncodeToString(e.EventsHash), Tx: body, Raw: base64.StdEncoding.EncodeToString(d.Tx),
	}, nil
}

func (s *Server) receipt(w http.ResponseWriter, r *http.Request) error {
	h, err := parseHash(r.PathValue("hash"))
	if err != nil {
		return err
	}
	idx, err := s.app.Log().Find(h[:])
	if errors.Is(err, ledger.ErrNotFound) {
		return notFound("no committed transaction %x", h)
	}
	if err != nil {
		return err
	}
	e, d, err := s.app.Log().Entry(idx)
	if err != nil {
		return err
	}
	m, err := s.app.MetaAt(int64(e.Height))
	if err != nil {
		return stateError(err)
	}
	a, err := s.anchor(m)
	if errors.Is(err, errHeaderPending) {
		return headerPending(w, int64(e.Height))
	}
	if err != nil {
		return err
	}
	p, err := s.app.Log().InclusionProof(idx, m.LogSize)
	if err != nil {
		return err
	}
	evs := d.Events
	if evs == nil {
		evs = []ledger.Event{}
	}
	return writeJSON(w, http.StatusOK, verify.Receipt{Version: verify.Version, ChainID: s.app.ChainID(),
		Tx: base64.StdEncoding.EncodeToString(d.Tx), Entry: verify.NewEntry(e), Events: evs, LogIndex: idx,
		InclusionProof: hexList(p), Anchor: *a})
}

func (s *Server) lightBlock(w http.ResponseWriter, r *http.Request) error {
	h, err := positiveHeight(r.PathValue("height"))
	if err != nil {
		return err
	}
	if h > s.chain.LatestBlockHeight() {
		return notFound("no block at height %d", h)
	}
	lb, err := s.chain.LightBlock(h)
	if err != nil {
		return fmt.Errorf("api: light block %d: %w", h, err) // committed, so a storage failure: logged, answered 500
	}
	raw, err := verify.EncodeLightBlock(lb)
	if err != nil {
		return err
	}
	w.Header().Set("Content-Type", "application/json")
	_, err = w.Write(append(raw, '\n'))
	return err
}

func (s *Server) genesis(w http.ResponseWriter, r *http.Request) error {
	b, err := s.chain.Genesis()
	if err != nil {
		return err
	}
	w.Header().Set("Content-Type", "application/json")
	_, err = w.Write(b)
	return err
}
