package app

import (
	"github.com/govchain/govchain/crypto"
	"github.com/govchain/govchain/tx"
)

// decodeVerify decodes and checks a tx, remembering good signatures by tx
// hash so that rechecks and block execution verify each signature once.
func (a *App) decodeVerify(raw []byte, chainID string) (*tx.Tx, [32]byte, error) {
	h := a.TxHash(raw)
	t, err := tx.Decode(raw)
	if err != nil {
		return nil, h, err
	}
	a.sigMu.Lock()
	_, ok := a.sigCache[h]
	a.sigMu.Unlock()
	if ok {
		if t.Body.ChainID != chainID {
			return nil, h, tx.ErrWrongChain
		}
		return t, h, nil
	}
	if err := t.Verify(chainID); err != nil {
		return nil, h, err
	}
	a.rememberSignature(h)
	return t, h, nil
}

// PreVerify checks the form and signatures of txs outside consensus, as one
// batch (the API calls it on its own goroutines before handing txs to the
// mempool), so that CheckTx, which CometBFT runs one at a time, finds the
// signatures already verified. It is pure: it only fills the signature
// cache, and only with signatures that verify.
func (a *App) PreVerify(raws [][]byte) {
	if a.opts.Noop {
		return
	}
	a.mu.RLock()
	chainID := a.chainID
	a.mu.RUnlock()
	bv := crypto.NewBatchVerifier()
	var hashes [][32]byte
	for _, raw := range raws {
		h := a.TxHash(raw)
		a.sigMu.Lock()
		_, done := a.sigCache[h]
		a.sigMu.Unlock()
		if done {
			continue
		}
		t, err := tx.Decode(raw)
		if err != nil || t.Body.ChainID != chainID {
			continue
		}
		sb, err := tx.SignBytes(&t.Body)
		if err != nil {
			continue
		}
		bv.Add(t.Signature.Algorithm, t.Signature.PublicKey, sb, t.Signature.Sig)
		hashes = append(hashes, h)
	}
	for i, err := range bv.Verify() {
		if err == nil {
			a.rememberSignature(hashes[i])
		}
	}
}

func (a *App) rememberSignature(h [32]byte) {
	a.sigMu.Lock()
	defer a.sigMu.Unlock()
	if len(a.sigCache) >= sigCacheMax {
		clear(a.sigCache)
	}
	a.sigCache[h] = struct{}{}
}
