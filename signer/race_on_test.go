//go:build race

package signer

const raceEnabled = true
