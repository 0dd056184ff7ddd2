package funcs

import (
	"crypto/hmac"
	"crypto/md5"
	"crypto/sha1"
	"crypto/sha256"
	"crypto/sha512"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"hash"
	"io"
	"strings"

	"github.com/zclconf/go-cty/cty"
	"github.com/zclconf/go-cty/cty/function"
)

// Hash constructors and output encodings shared by the string and file
// hash functions.
var (
	hashMD5    = md5.New
	hashSHA1   = sha1.New
	hashSHA256 = sha256.New
	hashSHA512 = sha512.New

	encodeHex    = hex.EncodeToString
	encodeBase64 = base64.StdEncoding.EncodeToString
)

func digest(newHash func() hash.Hash, data []byte) []byte {
	h := newHash()
	h.Write(data)
	return h.Sum(nil)
}

// makeStringHashFunc builds a function that hashes the UTF-8 bytes of its
// string argument and encodes the digest.
func makeStringHashFunc(desc string, newHash func() hash.Hash, encode func([]byte) string) function.Function {
	return function.New(&function.Spec{
		Description:  desc,
		Params:       []function.Parameter{{Name: "str", Type: cty.String}},
		Type:         function.StaticReturnType(cty.String),
		RefineResult: refineNotNull,
		Impl: func(args []cty.Value, _ cty.Type) (cty.Value, error) {
			return cty.StringVal(encode(digest(newHash, []byte(args[0].AsString())))), nil
		},
	})
}

var (
	md5Func          = makeStringHashFunc("Returns the MD5 digest of the string's UTF-8 bytes, as lowercase hex.", hashMD5, encodeHex)
	sha1Func         = makeStringHashFunc("Returns the SHA-1 digest of the string's UTF-8 bytes, as lowercase hex.", hashSHA1, encodeHex)
	sha256Func       = makeStringHashFunc("Returns the SHA-256 digest of the string's UTF-8 bytes, as lowercase hex.", hashSHA256, encodeHex)
	sha512Func       = makeStringHashFunc("Returns the SHA-512 digest of the string's UTF-8 bytes, as lowercase hex.", hashSHA512, encodeHex)
	base64SHA256Func = makeStringHashFunc("Returns the SHA-256 digest of the string's UTF-8 bytes, as standard Base64.", hashSHA256, encodeBase64)
	base64SHA512Func = makeStringHashFunc("Returns the SHA-512 digest of the string's UTF-8 bytes, as standard Base64.", hashSHA512, encodeBase64)
)

// hmacSHA256Func is hmacsha256(key, message): the HMAC-SHA-256 of the
// message's UTF-8 bytes under the key's UTF-8 bytes, as lowercase hex,
// the form most webhook and request-signing schemes expect.
var hmacSHA256Func = function.New(&function.Spec{
	Description: "Returns the HMAC-SHA-256 of message keyed with key (both as UTF-8 bytes), as lowercase hex.",
	Params: []function.Parameter{
		{Name: "key", Type: cty.String},
		{Name: "message", Type: cty.String},
	},
	Type:         function.StaticReturnType(cty.String),
	RefineResult: refineNotNull,
	Impl: func(args []cty.Value, _ cty.Type) (cty.Value, error) {
		mac := hmac.New(sha256.New, []byte(args[0].AsString()))
		mac.Write([]byte(args[1].AsString()))
		return cty.StringVal(hex.EncodeToString(mac.Sum(nil))), nil
	},
})

// makeUUIDFunc builds uuid(): a random (version 4) UUID in the canonical
// lowercase form, drawing its 122 random bits from r. Each call returns a
// new value.
func makeUUIDFunc(r io.Reader) function.Function {
	return function.New(&function.Spec{
		Description:  "Returns a new random (version 4) UUID.",
		Type:         function.StaticReturnType(cty.String),
		RefineResult: refineNotNull,
		Impl: func(_ []cty.Value, _ cty.Type) (cty.Value, error) {
			var u [16]byte
			if _, err := io.ReadFull(r, u[:]); err != nil {
				return cty.NilVal, fmt.Errorf("failed to read random bytes for uuid: %w", err)
			}
			u[6] = u[6]&0x0f | 0x40 // version 4
			u[8] = u[8]&0x3f | 0x80 // RFC 4122 variant
			return cty.StringVal(formatUUID(u)), nil
		},
	})
}

// wellKnownNamespace returns the namespaces of RFC 4122 appendix C, which
// uuidv5() accepts under their short names.
func wellKnownNamespace(name string) (string, bool) {
	switch name {
	case "dns":
		return "6ba7b810-9dad-11d1-80b4-00c04fd430c8", true
	case "url":
		return "6ba7b811-9dad-11d1-80b4-00c04fd430c8", true
	case "oid":
		return "6ba7b812-9dad-11d1-80b4-00c04fd430c8", true
	case "x500":
		return "6ba7b814-9dad-11d1-80b4-00c04fd430c8", true
	}
	return "", false
}

// uuidV5Func is uuidv5(namespace, name): the name-based (SHA-1, version
// 5) UUID of name within namespace. The namespace is "dns", "url", "oid",
// "x500" or any UUID.
var uuidV5Func = function.New(&function.Spec{
	Description: `Returns the name-based (version 5) UUID of name in namespace ("dns", "url", "oid", "x500" or a UUID).`,
	Params: []function.Parameter{
		{Name: "namespace", Type: cty.String},
		{Name: "name", Type: cty.String},
	},
	Type:         function.StaticReturnType(cty.String),
	RefineResult: refineNotNull,
	Impl: func(args []cty.Value, _ cty.Type) (cty.Value, error) {
		nsArg := args[0].AsString()
		nsText, ok := wellKnownNamespace(nsArg)
		if !ok {
			nsText = nsArg
		}
		ns, err := parseUUID(nsText)
		if err != nil {
			return cty.NilVal, function.NewArgErrorf(0, "uuidv5() doesn't support namespace %q: %s", nsArg, err)
		}
		sum := digest(hashSHA1, append(ns[:], args[1].AsString()...))
		var u [16]byte
		copy(u[:], sum)
		u[6] = u[6]&0x0f | 0x50 // version 5
		u[8] = u[8]&0x3f | 0x80 // RFC 4122 variant
		return cty.StringVal(formatUUID(u)), nil
	},
})

func formatUUID(u [16]byte) string {
	h := hex.EncodeToString(u[:])
	return h[0:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:32]
}

// parseUUID accepts the canonical 8-4-4-4-12 form, optionally prefixed
// with "urn:uuid:" or wrapped in braces, and the bare 32-digit hex form.
func parseUUID(s string) ([16]byte, error) {
	var u [16]byte
	t := strings.TrimPrefix(strings.ToLower(s), "urn:uuid:")
	if strings.HasPrefix(t, "{") && strings.HasSuffix(t, "}") {
		t = t[1 : len(t)-1]
	}
	switch len(t) {
	case 36:
		if t[8] != '-' || t[13] != '-' || t[18] != '-' || t[23] != '-' {
			return u, fmt.Errorf("not a UUID: hyphens must separate groups of 8, 4, 4, 4 and 12 hex digits")
		}
		t = t[0:8] + t[9:13] + t[14:18] + t[19:23] + t[24:]
	case 32:
	default:
		return u, fmt.Errorf("not a UUID: want 32 hex digits, optionally hyphenated as 8-4-4-4-12")
	}
	if _, err := hex.Decode(u[:], []byte(t)); err != nil {
		return u, fmt.Errorf("not a UUID: %s", err)
	}
	return u, nil
}
