package credentials

import (
	"github.com/govchain/govchain/codec"
	"github.com/govchain/govchain/credential"
	"github.com/govchain/govchain/x/identity"
)

// DIDStateKey is the full state key a did:govchain DID resolves from: the
// account (identity/acct/<address>) or the department's issuer record
// (identity/issuer/<dept>).
func DIDStateKey(d credential.DID) string {
	if d.Account != "" {
		return identity.Name + "/" + identity.AccountStateKey(d.Account)
	}
	return identity.Name + "/" + identity.IssuerStateKey(d.Department)
}

// DIDDocument computes a DID's document from the value at DIDStateKey
// (docs/credentials.md, "DIDs"): an account's current key; a department's
// issuer keys in force (Until 0).
func DIDDocument(d credential.DID, value []byte) (*credential.DIDDocument, error) {
	if d.Account != "" {
		var a identity.Account
		if err := codec.Unmarshal(value, &a); err != nil || a.Address != d.Account {
			return nil, identity.ErrUnknownAccount.Wrapf("%s", d.Account)
		}
		if a.Disabled {
			return nil, identity.ErrAccountDisabled
		}
		return credential.AccountDocument(d.Chain, a.Address, a.Department, a.Algorithm, a.PublicKey)
	}
	var is identity.Issuer
	if err := codec.Unmarshal(value, &is); err != nil || is.Department != d.Department {
		return nil, identity.ErrUnknownIssuer.Wrapf("%s", d.Department)
	}
	var keys []credential.IssuerKeyRef
	for _, k := range is.Keys {
		if k.Until == 0 {
			keys = append(keys, credential.IssuerKeyRef{Kid: k.Kid, KeyAlg: k.Algorithm, Pub: k.PublicKey})
		}
	}
	return credential.DepartmentDocument(d.Chain, d.Department, keys)
}
