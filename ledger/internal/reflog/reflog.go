// Package reflog is the test oracle of the record log: the RFC 6962 log
// computed naively from the definitions of RFC 6962 section 2.1 (MTH, PATH
// and PROOF), with no storage and no cleverness, and the format of the test
// vectors in ledger/testdata. The tests of ledger and ledger/logdb check
// the verifiers, the stored log and the vectors against it; nothing else may
// use it.
package reflog

// Hash is a 256-bit hash function.
type Hash func([]byte) [32]byte

// Root is MTH(leaves): H("") for no leaves, H(0x00 || leaf) for one, and
// H(0x01 || MTH(left) || MTH(right)) split at the largest power of two
// below n.
func Root(h Hash, leaves [][]byte) []byte {
	n := len(leaves)
	if n == 0 {
		s := h(nil)
		return s[:]
	}
	if n == 1 {
		s := h(append([]byte{0}, leaves[0]...))
		return s[:]
	}
	k := split(n)
	s := h(append(append([]byte{1}, Root(h, leaves[:k])...), Root(h, leaves[k:])...))
	return s[:]
}

// Inclusion is PATH(m, leaves): the audit path of leaf m.
func Inclusion(h Hash, m int, leaves [][]byte) [][]byte {
	n := len(leaves)
	if n <= 1 {
		return nil
	}
	k := split(n)
	if m < k {
		return append(Inclusion(h, m, leaves[:k]), Root(h, leaves[k:]))
	}
	return append(Inclusion(h, m-k, leaves[k:]), Root(h, leaves[:k]))
}

// Consistency is PROOF(m, leaves): that the first m leaves are a prefix.
func Consistency(h Hash, m int, leaves [][]byte) [][]byte {
	if m == 0 || m > len(leaves) {
		return nil
	}
	return subproof(h, m, leaves, true)
}

func subproof(h Hash, m int, leaves [][]byte, complete bool) [][]byte {
	n := len(leaves)
	if m == n {
		if complete {
			return nil
		}
		return [][]byte{Root(h, leaves)}
	}
	k := split(n)
	if m <= k {
		return append(subproof(h, m, leaves[:k], complete), Root(h, leaves[k:]))
	}
	return append(subproof(h, m-k, leaves[k:], false), Root(h, leaves[:k]))
}

// split is the largest power of two smaller than n (n > 1).
func split(n int) int {
	k := 1
	for k*2 < n {
		k *= 2
	}
	return k
}
