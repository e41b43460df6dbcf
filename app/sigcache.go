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
	return t, h, a.verifyDecoded(t, h, chainID)
}

// verifyDecoded checks a decoded tx's chain id and signature (once per tx
// hash, see decodeVerify).
func (a *App) verifyDecoded(t *tx.Tx, h [32]byte, chainID string) error {
	a.sigMu.Lock()
	_, ok := a.sigCache[h]
	a.sigMu.Unlock()
	if ok {
		if t.Body.ChainID != chainID {
			return tx.ErrWrongChain
		}
		return nil
	}
	if err := t.Verify(chainID); err != nil {
		return err
	}
	a.rememberSignature(h)
	return nil
}

// prewarm runs the prechecks (module.Route.Precheck) of the messages of
// the txs whose signatures verified, against the committed state, for
// what they remember: CheckTx's precheck, run under checkMu one tx at a
// time, then finds an expensive proof already verified (x/voting's
// ballots). Their verdicts are ignored here: CheckTx decides. A tx whose
// signature did not verify costs no precheck.
func (a *App) prewarm(committed prefixReader, raws [][]byte) {
	for _, raw := range raws {
		h := a.TxHash(raw)
		a.sigMu.Lock()
		_, ok := a.sigCache[h]
		a.sigMu.Unlock()
		if !ok {
			continue
		}
		t, err := tx.Decode(raw)
		if err != nil {
			continue
		}
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
	defer a.prewarm(committed, raws) // once the signatures are known

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
