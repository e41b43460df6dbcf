package credentials

import (
	"github.com/govchain/govchain/app/module"
	"github.com/govchain/govchain/credential"
	"github.com/govchain/govchain/x/identity"
)

// Authority answers credential.Verify from module state: the issuer
// registry and accounts of x/identity (id, rooted at "identity/") and the
// status lists of this module (cr, rooted at "credentials/"). x/welfare
// passes its transaction's state; credential/bundle passes proven state.
func Authority(id, cr module.Reader) credential.Authority { return authority{id, cr} }

type authority struct{ id, cr module.Reader }

func (a authority) Issued(dept, digest string) (string, int64, error) {
	is, err := GetIssued(a.cr, dept, digest)
	if err != nil {
		return "", 0, err
	}
	return is.Type, is.Time, nil
}

func (a authority) IssuerKey(dept, kid string, at int64) (string, []byte, error) {
	return identity.IssuerKeyAt(a.id, dept, kid, at)
}

func (a authority) Authorized(dept, typ string, at int64) error {
	return identity.AuthorizedAt(a.id, dept, typ, at)
}

func (a authority) StatusBit(dept, list string, index uint64) (string, bool, error) {
	return StatusBit(a.cr, dept, list, index)
}

func (a authority) HolderKey(addr string) (string, []byte, error) {
	acct, err := identity.GetAccount(a.id, addr)
	if err != nil {
		return "", nil, err
	}
	if acct.Disabled {
		return "", nil, identity.ErrAccountDisabled
	}
	return acct.Algorithm, acct.PublicKey, nil
}
