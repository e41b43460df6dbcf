package datashare

import (
	"fmt"

	"github.com/govchain/govchain/app/module"
	"github.com/govchain/govchain/codec"
	"github.com/govchain/govchain/crypto"
)

// AccessRequest is what a requester signs, with its account key, to ask an
// owner's data service for data under a grant (docs/datashare.md,
// "Transport"). The service serves it only inside the grant, then logs it
// (MsgLogAccess) with the hash of its answer; the chain checks it again.
type AccessRequest struct {
	ChainID string `cbor:"1,keyasint" json:"chain_id"`
	Grant   uint64 `cbor:"2,keyasint" json:"grant"`
	Dataset string `cbor:"3,keyasint" json:"dataset"`
	Purpose string `cbor:"4,keyasint" json:"purpose"`
	// Subject is the citizen the data concerns (required where the
	// dataset requires consent).
	Subject string `cbor:"5,keyasint,omitempty" json:"subject,omitempty"`
	// Audience is the data service account the request is for: a request
	// cannot be replayed to another service.
	Audience  string `cbor:"6,keyasint" json:"audience"`
	Requester string `cbor:"7,keyasint" json:"requester"`
	// Time is the requester's clock (unix seconds); Nonce makes each
	// request unique.
	Time  int64  `cbor:"8,keyasint" json:"time_unix"`
	Nonce []byte `cbor:"9,keyasint" json:"nonce"`
	// Query is SHA-256 of what is asked (client/datashare: the HTTP
	// method, path and query, and body), binding the signature to it.
	Query []byte `cbor:"10,keyasint" json:"query"`
}

// RequestDomain separates the signing bytes of access requests from
// every other signature of the chain.
const RequestDomain = "govchain/datashare/request/v1"

// SigningBytes are what the requester signs: the domain, a zero byte,
// then the request's canonical encoding.
func SigningBytes(body []byte) []byte {
	out := make([]byte, 0, len(RequestDomain)+1+len(body))
	out = append(out, RequestDomain...)
	out = append(out, 0)
	return append(out, body...)
}

// RequestHash identifies a signed request (its canonical encoding): the
// chain logs each at most once.
func RequestHash(body []byte) []byte {
	h := crypto.Hash(RequestDomain, body)
	return h[:]
}

// Encode returns the request's canonical encoding.
func (r *AccessRequest) Encode() []byte { return codec.MustMarshal(r) }

// Sign encodes the request and signs it with k.
func (r *AccessRequest) Sign(k *crypto.PrivateKey) (body, sig []byte) {
	body = r.Encode()
	return body, k.Sign(SigningBytes(body))
}

// DecodeRequest decodes a request's canonical encoding and checks its
// fields' forms.
func DecodeRequest(body []byte) (*AccessRequest, error) {
	if len(body) == 0 || len(body) > 2048 {
		return nil, module.ErrInvalidField.Wrapf("request must be 1 to 2048 bytes")
	}
	var r AccessRequest
	if err := codec.Unmarshal(body, &r); err != nil {
		return nil, module.ErrInvalidField.Wrapf("request: %v", err)
	}
	return &r, r.Validate()
}

// Validate checks the request's fields' forms.
func (r *AccessRequest) Validate() error {
	switch {
	case r.ChainID == "" || len(r.ChainID) > 64:
		return module.ErrInvalidField.Wrapf("request chain id")
	case r.Grant == 0:
		return module.ErrInvalidField.Wrapf("request grant")
	case len(r.Nonce) < 8 || len(r.Nonce) > 64:
		return module.ErrInvalidField.Wrapf("request nonce must be 8 to 64 bytes")
	case len(r.Query) != 32:
		return module.ErrInvalidField.Wrapf("request query hash must be 32 bytes")
	case r.Time <= 0:
		return module.ErrInvalidField.Wrapf("request time")
	}
	if err := checkDataset(r.Dataset); err != nil {
		return err
	}
	if err := checkPurpose(r.Purpose); err != nil {
		return err
	}
	if err := checkAddress("subject", r.Subject, false); err != nil {
		return err
	}
	if err := checkAddress("audience", r.Audience, true); err != nil {
		return err
	}
	return checkAddress("requester", r.Requester, true)
}

// VerifyRequest checks a signed request against the requester's key
// (algorithm alg, public key pub): the key is the requester's address's
// and the signature verifies.
func VerifyRequest(r *AccessRequest, body []byte, alg string, pub, sig []byte) error {
	if crypto.Address(alg, pub) != r.Requester {
		return ErrBadSignature.Wrapf("the key is not %s's", r.Requester)
	}
	if err := crypto.Verify(alg, pub, SigningBytes(body), sig); err != nil {
		return ErrBadSignature.Wrapf("%v", err)
	}
	return nil
}

// CheckAccess decides, from records alone, whether access a was made
// inside a live grant: the one check the chain makes when logging it and
// an auditor makes from proven records (govchain datashare audit). c is
// the subject's consent to the grant (nil when none).
func CheckAccess(a *Access, g *Request, ds *Dataset, c *Consent) error {
	switch {
	case a.Grant != g.ID || a.Dataset != g.Dataset || ds.ID != g.Dataset:
		return ErrRequestMismatch.Wrapf("access %d names grant %d of %s", a.ID, a.Grant, a.Dataset)
	case g.Status != StatusGranted && g.Status != StatusRevoked:
		return ErrGrantNotLive.Wrapf("grant %d is %s", g.ID, g.Status)
	case a.ID <= g.GrantedAfter:
		return ErrGrantNotLive.Wrapf("access %d before grant %d was granted", a.ID, g.ID)
	case g.Status == StatusRevoked && a.ID > g.ClosedAfter:
		return ErrGrantNotLive.Wrapf("access %d after grant %d was revoked", a.ID, g.ID)
	case a.Time > g.Until:
		return ErrGrantExpired.Wrapf("access at %d, grant %d ended at %d", a.Time, g.ID, g.Until)
	case a.Time < g.From || a.RequestTime < g.From || a.RequestTime > g.Until:
		return ErrOutsidePeriod.Wrapf("grant %d runs %d to %d", g.ID, g.From, g.Until)
	case a.Purpose != g.Purpose:
		return ErrBeyondPurpose.Wrapf("grant %d is for %q, not %q", g.ID, g.Purpose, a.Purpose)
	case a.Requester != g.Requester:
		return ErrWrongRequester.Wrapf("grant %d is %s's", g.ID, g.Requester)
	}
	if ds.ConsentRequired {
		if a.Subject == "" {
			return ErrNoSubject
		}
		if c == nil || c.Grant != g.ID || c.Subject != a.Subject || !c.Live(a.ID) {
			return ErrNoConsent.Wrapf("%s to grant %d", a.Subject, g.ID)
		}
	}
	return nil
}

// CheckLogged checks what an auditor can check of an access entry beyond
// its grant: the requester's signature over the request, and that the
// request says what the entry says.
func CheckLogged(a *Access) error {
	r, err := DecodeRequest(a.Request)
	if err != nil {
		return err
	}
	if err := VerifyRequest(r, a.Request, a.Algorithm, a.PublicKey, a.Signature); err != nil {
		return err
	}
	if r.Grant != a.Grant || r.Dataset != a.Dataset || r.Purpose != a.Purpose || r.Subject != a.Subject ||
		r.Requester != a.RequesterAccount || r.Audience != a.Service || r.Time != a.RequestTime ||
		string(RequestHash(a.Request)) != string(a.RequestHash) {
		return ErrRequestMismatch.Wrapf("access %d: the entry differs from its signed request", a.ID)
	}
	if len(a.ResponseHash) != 32 {
		return module.ErrInvalidField.Wrapf("access %d: response hash", a.ID)
	}
	return nil
}

func (a *Access) String() string {
	return fmt.Sprintf("access %d (grant %d #%d)", a.ID, a.Grant, a.Seq)
}
