package hearth

// Rota is the check-in order and the sharers of one meeting (SPEC §4).
type Rota struct {
	Order   []string `json:"order"`   // user ids, check-in order
	Sharers []string `json:"sharers"` // user ids who share
	Passed  []string `json:"passed"`  // user ids who passed their turn
}
