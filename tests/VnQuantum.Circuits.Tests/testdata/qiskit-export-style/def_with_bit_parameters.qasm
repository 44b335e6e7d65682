// expect: 1 01
// A subroutine that takes a bit register by value and returns a bit (creg parameters are OpenQASM 2 style; this is OQ3's).
OPENQASM 3.0;
include "stdgates.inc";
def parity(bit[2] v) -> bit {
  bit p;
  p = v[0] ^ v[1];
  return p;
}
qubit[2] q;
bit[2] c;
bit out;
x q[0];
c = measure q;
out = parity(c);
