package app

import (
	"context"
	"errors"

	abci "github.com/cometbft/cometbft/abci/types"

	"github.com/govchain/govchain/app/module"
	"github.com/govchain/govchain/tx"
)

func txError(err error) *module.Error {
	switch {
	case errors.Is(err, tx.ErrTooLarge):
		return ErrTxTooLarge.Wrapf("%v", err)
	case errors.Is(err, tx.ErrWrongChain):
		return ErrWrongChainID.Wrapf("%v", err)
	case errors.Is(err, tx.ErrSignature):
		return ErrBadSignature.Wrapf("%v", err)
	case errors.Is(err, tx.ErrMalformed):
		return ErrMalformedTx.Wrapf("%v", err)
	}
	return module.AsError(err)
}

// authenticate checks the signer against state (kv is the whole state) and
// every message's route and role, and returns the signer's account.
func (a *App) authenticate(kv module.Reader, t *tx.Tx) (*module.Account, *module.Error) {
	acct, e := a.authenticateAnySequence(kv, t)
	if e == nil && t.Body.Sequence != acct.Sequence {
		return nil, ErrBadSequence.Wrapf("account %s expects sequence %d, tx has %d", acct.Address, acct.Sequence, t.Body.Sequence)
	}
	return acct, e
}

// lookupAccount reads an account through the accounts module.
func (a *App) lookupAccount(kv module.Reader, addr string) (*module.Account, *module.Error) {
	acct, err := a.accounts.LookupAccount(prefixReader{g: kv.Get, prefix: a.acctPfx}, addr)
	if err != nil {
		return nil, module.AsError(err)
	}
	if acct == nil {
		return nil, ErrUnknownSigner.Wrapf("%s", addr)
	}
	return acct, nil
}

// authenticateAnySequence is authenticate without the sequence check.
func (a *App) authenticateAnySequence(kv module.Reader, t *tx.Tx) (*module.Account, *module.Error) {
	acct, e := a.lookupAccount(kv, t.Body.Signer)
	if e != nil {
		return nil, e
	}
	if acct.Algorithm != t.Signature.Algorithm || string(acct.PublicKey) != string(t.Signature.PublicKey) {
		return nil, ErrKeyMismatch.Wrapf("account %s", acct.Address)
	}
	if acct.Disabled {
		return nil, ErrSignerDisabled.Wrapf("%s", acct.Address)
	}
	for _, m := range t.Body.Msgs {
		r, ok := a.routes[m.Type]
		if !ok {
			return nil, ErrUnknownMsgType.Wrapf("%q", m.Type)
		}
		if !module.Allowed(r, acct.Signer) {
			return nil, ErrUnauthorized.Wrapf("%s needs one of %v", m.Type, r.Roles)
		}
	}
	return acct, nil
}

type prefixKV struct {
	kv     module.KV
	prefix string
}

func (p prefixKV) Get(k []byte) ([]byte, bool) { return p.kv.Get(append([]byte(p.prefix), k...)) }

func (p prefixKV) Set(k, v []byte) { p.kv.Set(append([]byte(p.prefix), k...), v) }

func (p prefixKV) Delete(k []byte) { p.kv.Delete(append([]byte(p.prefix), k...)) }

func errorResponse(e *module.Error) *abci.ResponseCheckTx {
	return &abci.ResponseCheckTx{Code: e.Code, Codespace: e.Codespace, Log: e.Error()}
}

// CheckTx admits to the mempool only transactions that can execute now or
// soon: well-formed, signed for this chain by the account's current key,
// each message allowed to the signer, with a sequence not used nor pending
// and close to the account's next one, within the account's and its
// department's share of the mempool (mempoolBook). Rechecks after a block
// rebuild that account and drop txs whose gap outlived the TTL.
func (a *App) CheckTx(_ context.Context, req *abci.RequestCheckTx) (*abci.ResponseCheckTx, error) {
	if a.opts.Noop {
		return &abci.ResponseCheckTx{}, nil
	}
	a.mu.RLock()
	chainID := a.chainID
	a.mu.RUnlock()
	// The signer, its key, its roles and the chain id are checked before the
	// signature: a tx from an unknown signer or for another chain costs no
	// signature verification.
	h := a.TxHash(req.Tx)
	t := a.verified(h) // pre-verified by the API, or a recheck
	if t == nil {
		var err error
		if t, err = tx.Decode(req.Tx); err != nil {
			return errorResponse(txError(err)), nil
		}
	}
	if t.Body.ChainID != chainID {
		return errorResponse(txError(tx.ErrWrongChain)), nil
	}
	a.checkMu.Lock()
	defer a.checkMu.Unlock()
	acct, e := a.authenticateAnySequence(a.check, t)
	if e != nil {
		return errorResponse(e), nil
	}
	if err := a.verifyDecoded(t, h, chainID); err != nil {
		return errorResponse(txError(err)), nil
	}
	if req.Type != abci.CheckTxType_Recheck {
		if e := a.precheck(t); e != nil {
			return errorResponse(e), nil
		}
	}
	if e := a.book.admit(acct, t.Body.Sequence, h, req.Type == abci.CheckTxType_Recheck); e != nil {
		return errorResponse(e), nil
	}
	return &abci.ResponseCheckTx{Code: 0}, nil
}

// precheck runs the prechecks of the tx's messages (module.Route.Precheck)
// against the check state. Caller holds checkMu.
func (a *App) precheck(t *tx.Tx) *module.Error {
	for _, m := range t.Body.Msgs {
		r := a.routes[m.Type]
		if r.Precheck == nil {
			continue
		}
		if err := r.Precheck(prefixKV{kv: a.check, prefix: r.Module + "/"}, m.Body); err != nil {
			return module.AsError(err)
		}
	}
	return nil
}
