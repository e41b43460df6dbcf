package crypto

import (
	"crypto/sha256"
	"fmt"

	"github.com/emmansun/gmsm/sm3"
)

// Suite is the hash function a chain uses for everything the application
// hashes: transaction ids, the state tree, the record log, the app hash,
// receipts. It is fixed in genesis (app_state.hash_suite) and cannot change.
// CometBFT's own hashes (blocks, headers) stay SHA-256; see docs/crypto.md.
type Suite struct {
	Name string
	Sum  func([]byte) [32]byte
}

// The hash suites.
var (
	SuiteSHA256 = Suite{Name: "sha256", Sum: sha256.Sum256}
	SuiteSM3    = Suite{Name: "sm3", Sum: sm3.Sum} // GB/T 32905-2016
)

// SuiteByName returns a suite; "" means sha256.
func SuiteByName(name string) (Suite, error) {
	switch name {
	case "", SuiteSHA256.Name:
		return SuiteSHA256, nil
	case SuiteSM3.Name:
		return SuiteSM3, nil
	}
	return Suite{}, fmt.Errorf("crypto: unknown hash suite %q (sha256 or sm3)", name)
}
