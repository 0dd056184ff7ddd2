package signer

import (
	"net/http"
	"testing"
)

// CheckRedirect follows 10 redirects and refuses the 11th; a hop to
// another host loses the credentials and the Referer, which may hold a
// presigned query.
func TestCheckRedirectLimitAndReferer(t *testing.T) {
	first, _ := http.NewRequest("GET", "https://a.example/x?X-Amz-Signature=abc", nil)
	via := []*http.Request{first}
	for len(via) <= 10 {
		next, _ := http.NewRequest("GET", "https://a.example/y", nil)
		if err := CheckRedirect(next, via); err != nil {
			t.Fatalf("redirect %d refused: %v", len(via), err)
		}
		via = append(via, next)
	}
	eleventh, _ := http.NewRequest("GET", "https://a.example/z", nil)
	if err := CheckRedirect(eleventh, via); err == nil {
		t.Fatal("the 11th redirect must be refused")
	}
	other, _ := http.NewRequest("GET", "https://b.example/", nil)
	other.Header.Set("Referer", first.URL.String())
	other.Header.Set("Authorization", "AWS4-HMAC-SHA256 Credential=x")
	other.Header.Set("X-Amz-Security-Token", "tok")
	if err := CheckRedirect(other, via[:1]); err != nil {
		t.Fatal(err)
	}
	for _, h := range []string{"Referer", "Authorization", "X-Amz-Security-Token"} {
		if other.Header.Get(h) != "" {
			t.Errorf("%s sent to another host", h)
		}
	}
}
