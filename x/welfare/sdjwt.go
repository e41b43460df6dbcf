package welfare

import "github.com/govchain/govchain/credential"

// Disclosure encodes a claim as an SD-JWT disclosure (RFC 9901 §4.2.1,
// package credential): the base64url encoding, without padding, of the
// UTF-8 JSON array [salt, claim_name, claim_value]. The disclosure itself
// stays off chain with the citizen and the attesting department.
func Disclosure(salt, name string, value any) (string, error) {
	d, err := credential.NewDisclosure(salt, name, value)
	if err != nil {
		return "", err
	}
	return d.Encoded, nil
}

// DisclosureDigest is the digest of a disclosure that SD-JWT places in
// "_sd" (RFC 9901 §4.2.3, hash alg sha-256): base64url, without padding,
// of SHA-256 over the ASCII disclosure string. Only this digest goes on
// chain.
func DisclosureDigest(disclosure string) string { return credential.Digest(disclosure) }

// validDigest reports whether d has the form of a SHA-256 disclosure
// digest: 43 base64url characters decoding to 32 bytes.
func validDigest(d string) bool { return credential.ValidDigest(d) }
