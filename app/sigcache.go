package app

import (
	"github.com/govchain/govchain/crypto"
	"github.com/govchain/govchain/tx"
)

// decodeVerify decodes and checks a tx, remembering good signatures by tx
// hash so that rechecks and block execution verify each signature once.
func (a *App) decodeVerify(raw []byte, chainID string) (*tx.Tx, [32]byte, error) {
	h := a.TxHash(raw)
	t := a.verified(h)
	if t != nil {
		a.blockSigHits.Add(1)
	} else {
		a.blockSigMisses.Add(1)
	}
	if t != nil {
		if t.Body.ChainID != chainID {
			return nil, h, tx.ErrWrongChain
		}
		return t, h, nil
	}
	t, err := tx.Decode(raw)
	if err != nil {
		return nil, h, err
	}
	return t, h, a.verifyDecoded(t, h, chainID)
}

// verified returns the decoded tx whose bytes hash to h if its signature
// has been verified, else nil. The tx is shared: read it, never change it.
func (a *App) verified(h [32]byte) *tx.Tx {
	a.sigMu.Lock()
	defer a.sigMu.Unlock()
	return a.sigCache[h]
}

// verifyDecoded checks a decoded tx's chain id and signature (once per tx
// hash, see decodeVerify).
func (a *App) verifyDecoded(t *tx.Tx, h [32]byte, chainID string) error {
	if a.verified(h) != nil {
		if t.Body.ChainID != chainID {
			return tx.ErrWrongChain
		}
		return nil
	}
	if err := t.Verify(chainID); err != nil {
		return err
	}
	a.rememberSignature(h, t)
	return nil
}

// prewarm runs the prechecks (module.Route.Precheck) of the messages of
// the txs whose signatures verified, against the committed state, for
// what they remember: CheckTx's precheck, run under checkMu one tx at a
// time, then finds an expensive proof already verified (x/voting's
// ballots). Their verdicts are ignored here: CheckTx decides. A tx whose
// signature did not verify costs no precheck.
func (a *App) prewarm(committed prefixReader, txs []*tx.Tx) {
	if !a.prechecks {
		return
	}
	for _, t := range txs {
		for _, m := range t.Body.Msgs {
			if r, ok := a.routes[m.Type]; ok && r.Precheck != nil {
				_ = r.Precheck(prefixReader{g: committed.g, prefix: r.Module + "/"}, m.Body)
			}
		}
	}
}

// PreVerify checks the form and signatures of txs outside consensus, as one
// batch (the API calls it on its own goroutines before handing txs to the
// mempool), so that CheckTx, which CometBFT runs one at a time, finds the
// signatures already verified. It is pure: it only fills the signature
// cache, and only with signatures that verify, and lets the modules'
// prechecks remember what verified (prewarm). A tx whose signer has no
// account in the latest committed state, or another key, is not verified
// at all (CheckTx refuses it before any signature check): an unknown
// signer costs a state read, not a signature verification.
func (a *App) PreVerify(raws [][]byte) {
	if a.opts.Noop {
		return
	}
	a.mu.RLock()
	chainID := a.chainID
	a.mu.RUnlock()
	// Not committedGetter: a storage error here skips pre-verification
	// (CheckTx decides) rather than stopping the node.
	committed := prefixReader{g: func(k []byte) ([]byte, bool) {
		v, ok, err := a.Get(k, -1)
		return v, ok && err == nil
	}}
	bv := crypto.NewBatchVerifier()
	var hashes [][32]byte
	var txs, ready []*tx.Tx // to verify; verified
	for _, raw := range raws {
		h := a.TxHash(raw)
		if t := a.verified(h); t != nil {
			ready = append(ready, t)
			continue
		}
		t, err := tx.Decode(raw)
		if err != nil || t.Body.ChainID != chainID {
			continue
		}
		acct, e := a.lookupAccount(committed, t.Body.Signer)
		if e != nil || acct.Algorithm != t.Signature.Algorithm || string(acct.PublicKey) != string(t.Signature.PublicKey) {
			continue
		}
		sb, err := tx.SignBytes(&t.Body)
		if err != nil {
			continue
		}
		bv.Add(t.Signature.Algorithm, t.Signature.PublicKey, sb, t.Signature.Sig)
		hashes = append(hashes, h)
		txs = append(txs, t)
	}
	for i, err := range bv.Verify() {
		if err == nil {
			a.rememberSignature(hashes[i], txs[i])
			ready = append(ready, txs[i])
		}
	}
	a.prewarm(committed, ready) // once the signatures are known
}

func (a *App) rememberSignature(h [32]byte, t *tx.Tx) {
	a.sigMu.Lock()
	defer a.sigMu.Unlock()
	if len(a.sigCache) >= sigCacheMax {
		clear(a.sigCache)
	}
	a.sigCache[h] = t
}

// SigCacheStats counts, since the start, the txs of executed blocks whose
// signature had been verified before (by the API's batches or CheckTx:
// hits) or was verified during execution (misses, e.g. txs a validator
// never saw in its mempool).
type SigCacheStats struct{ BlockHits, BlockMisses uint64 }

// SigCacheStats reports the signature cache's use by block execution.
func (a *App) SigCacheStats() SigCacheStats {
	return SigCacheStats{BlockHits: a.blockSigHits.Load(), BlockMisses: a.blockSigMisses.Load()}
}
