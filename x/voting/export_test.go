package voting

// ProofRuns is how many ballot verifications m actually ran.
func ProofRuns(m *Module) int64 { return m.proofRuns.Load() }
