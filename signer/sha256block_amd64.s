//go:build amd64 && !purego

#include "textflag.h"

// SHA-256 compression with the x86 SHA extensions (SHA-NI), for the
// signer's own hashing of canonical requests and strings to sign (see
// sha256.go). The round structure follows Intel's description of the
// instructions ("Intel SHA Extensions", 2013): the state is held as ABEF
// and CDGH in X1 and X2, each SHA256RNDS2 does two rounds with the
// message-plus-constant words in X0, and SHA256MSG1/SHA256MSG2 expand the
// message schedule four words at a time in X3-X6.
//
// Registers: X0 message words + K, X1 ABEF, X2 CDGH, X3-X6 the schedule,
// X7 scratch, X8 the byte-swap mask, X9/X10 the state at block start;
// AX the K table, SI the input, DX its end, DI the state.

// LOADW loads 16 input bytes at off(SI) into W as big-endian words.
#define LOADW(off, W) MOVOU off(SI), W; PSHUFB X8, W

// ROUNDS4 does four rounds with schedule words W and constants at koff(AX).
#define ROUNDS4(W, koff) MOVOU koff(AX), X0; PADDD W, X0; SHA256RNDS2 X0, X1, X2; PSHUFD $0x0e, X0, X0; SHA256RNDS2 X0, X2, X1

// GROUPLAST does four rounds with schedule words Wc while finishing the
// next words in Wn (Wn += Wp:Wc shifted one word, then SHA256MSG2 with Wc).
#define GROUPLAST(Wc, Wp, Wn, koff) MOVOU koff(AX), X0; PADDD Wc, X0; SHA256RNDS2 X0, X1, X2; MOVO Wc, X7; PALIGNR $4, Wp, X7; PADDD X7, Wn; SHA256MSG2 Wc, Wn; PSHUFD $0x0e, X0, X0; SHA256RNDS2 X0, X2, X1

// GROUP is GROUPLAST that also starts the words after those in Wp
// (SHA256MSG1), for all but the schedule's last groups.
#define GROUP(Wc, Wp, Wn, koff) GROUPLAST(Wc, Wp, Wn, koff); SHA256MSG1 Wc, Wp

// func blockSHANI(h *[8]uint32, p []byte)
TEXT ·blockSHANI(SB), NOSPLIT, $0-32
	MOVQ h+0(FP), DI
	MOVQ p_base+8(FP), SI
	MOVQ p_len+16(FP), DX
	ANDQ $~63, DX
	JZ   done
	ADDQ SI, DX

	// a..h → ABEF (X1), CDGH (X2)
	MOVOU   (DI), X1
	MOVOU   16(DI), X2
	PSHUFD  $0xb1, X1, X1
	PSHUFD  $0x1b, X2, X2
	MOVO    X1, X7
	PALIGNR $8, X2, X1
	PBLENDW $0xf0, X7, X2
	MOVOU   shaniFlip<>(SB), X8
	LEAQ    shaniK<>(SB), AX

loop:
	MOVO X1, X9
	MOVO X2, X10

	LOADW(0, X3)
	ROUNDS4(X3, 0)
	LOADW(16, X4)
	ROUNDS4(X4, 16)
	SHA256MSG1 X4, X3
	LOADW(32, X5)
	ROUNDS4(X5, 32)
	SHA256MSG1 X5, X4
	LOADW(48, X6)
	GROUP(X6, X5, X3, 48)
	GROUP(X3, X6, X4, 64)
	GROUP(X4, X3, X5, 80)
	GROUP(X5, X4, X6, 96)
	GROUP(X6, X5, X3, 112)
	GROUP(X3, X6, X4, 128)
	GROUP(X4, X3, X5, 144)
	GROUP(X5, X4, X6, 160)
	GROUP(X6, X5, X3, 176)
	GROUP(X3, X6, X4, 192)
	GROUPLAST(X4, X3, X5, 208)
	GROUPLAST(X5, X4, X6, 224)
	ROUNDS4(X6, 240)

	PADDD X9, X1
	PADDD X10, X2
	ADDQ  $64, SI
	CMPQ  SI, DX
	JB    loop

	// ABEF, CDGH → a..h
	PSHUFD  $0x1b, X1, X1
	PSHUFD  $0xb1, X2, X2
	MOVO    X1, X7
	PBLENDW $0xf0, X2, X1
	PALIGNR $8, X7, X2
	MOVOU   X1, (DI)
	MOVOU   X2, 16(DI)

done:
	RET

// func cpuid(leaf, sub uint32) (a, b, c, d uint32)
TEXT ·cpuid(SB), NOSPLIT, $0-24
	MOVL leaf+0(FP), AX
	MOVL sub+4(FP), CX
	CPUID
	MOVL AX, a+8(FP)
	MOVL BX, b+12(FP)
	MOVL CX, c+16(FP)
	MOVL DX, d+20(FP)
	RET

// PSHUFB mask reversing the bytes of each 32-bit word.
DATA shaniFlip<>+0(SB)/8, $0x0405060700010203
DATA shaniFlip<>+8(SB)/8, $0x0c0d0e0f08090a0b
GLOBL shaniFlip<>(SB), RODATA|NOPTR, $16

// The 64 round constants.
DATA shaniK<>+0x00(SB)/4, $0x428a2f98
DATA shaniK<>+0x04(SB)/4, $0x71374491
DATA shaniK<>+0x08(SB)/4, $0xb5c0fbcf
DATA shaniK<>+0x0c(SB)/4, $0xe9b5dba5
DATA shaniK<>+0x10(SB)/4, $0x3956c25b
DATA shaniK<>+0x14(SB)/4, $0x59f111f1
DATA shaniK<>+0x18(SB)/4, $0x923f82a4
DATA shaniK<>+0x1c(SB)/4, $0xab1c5ed5
DATA shaniK<>+0x20(SB)/4, $0xd807aa98
DATA shaniK<>+0x24(SB)/4, $0x12835b01
DATA shaniK<>+0x28(SB)/4, $0x243185be
DATA shaniK<>+0x2c(SB)/4, $0x550c7dc3
DATA shaniK<>+0x30(SB)/4, $0x72be5d74
DATA shaniK<>+0x34(SB)/4, $0x80deb1fe
DATA shaniK<>+0x38(SB)/4, $0x9bdc06a7
DATA shaniK<>+0x3c(SB)/4, $0xc19bf174
DATA shaniK<>+0x40(SB)/4, $0xe49b69c1
DATA shaniK<>+0x44(SB)/4, $0xefbe4786
DATA shaniK<>+0x48(SB)/4, $0x0fc19dc6
DATA shaniK<>+0x4c(SB)/4, $0x240ca1cc
DATA shaniK<>+0x50(SB)/4, $0x2de92c6f
DATA shaniK<>+0x54(SB)/4, $0x4a7484aa
DATA shaniK<>+0x58(SB)/4, $0x5cb0a9dc
DATA shaniK<>+0x5c(SB)/4, $0x76f988da
DATA shaniK<>+0x60(SB)/4, $0x983e5152
DATA shaniK<>+0x64(SB)/4, $0xa831c66d
DATA shaniK<>+0x68(SB)/4, $0xb00327c8
DATA shaniK<>+0x6c(SB)/4, $0xbf597fc7
DATA shaniK<>+0x70(SB)/4, $0xc6e00bf3
DATA shaniK<>+0x74(SB)/4, $0xd5a79147
DATA shaniK<>+0x78(SB)/4, $0x06ca6351
DATA shaniK<>+0x7c(SB)/4, $0x14292967
DATA shaniK<>+0x80(SB)/4, $0x27b70a85
DATA shaniK<>+0x84(SB)/4, $0x2e1b2138
DATA shaniK<>+0x88(SB)/4, $0x4d2c6dfc
DATA shaniK<>+0x8c(SB)/4, $0x53380d13
DATA shaniK<>+0x90(SB)/4, $0x650a7354
DATA shaniK<>+0x94(SB)/4, $0x766a0abb
DATA shaniK<>+0x98(SB)/4, $0x81c2c92e
DATA shaniK<>+0x9c(SB)/4, $0x92722c85
DATA shaniK<>+0xa0(SB)/4, $0xa2bfe8a1
DATA shaniK<>+0xa4(SB)/4, $0xa81a664b
DATA shaniK<>+0xa8(SB)/4, $0xc24b8b70
DATA shaniK<>+0xac(SB)/4, $0xc76c51a3
DATA shaniK<>+0xb0(SB)/4, $0xd192e819
DATA shaniK<>+0xb4(SB)/4, $0xd6990624
DATA shaniK<>+0xb8(SB)/4, $0xf40e3585
DATA shaniK<>+0xbc(SB)/4, $0x106aa070
DATA shaniK<>+0xc0(SB)/4, $0x19a4c116
DATA shaniK<>+0xc4(SB)/4, $0x1e376c08
DATA shaniK<>+0xc8(SB)/4, $0x2748774c
DATA shaniK<>+0xcc(SB)/4, $0x34b0bcb5
DATA shaniK<>+0xd0(SB)/4, $0x391c0cb3
DATA shaniK<>+0xd4(SB)/4, $0x4ed8aa4a
DATA shaniK<>+0xd8(SB)/4, $0x5b9cca4f
DATA shaniK<>+0xdc(SB)/4, $0x682e6ff3
DATA shaniK<>+0xe0(SB)/4, $0x748f82ee
DATA shaniK<>+0xe4(SB)/4, $0x78a5636f
DATA shaniK<>+0xe8(SB)/4, $0x84c87814
DATA shaniK<>+0xec(SB)/4, $0x8cc70208
DATA shaniK<>+0xf0(SB)/4, $0x90befffa
DATA shaniK<>+0xf4(SB)/4, $0xa4506ceb
DATA shaniK<>+0xf8(SB)/4, $0xbef9a3f7
DATA shaniK<>+0xfc(SB)/4, $0xc67178f2
GLOBL shaniK<>(SB), RODATA|NOPTR, $256
