// expect: 10 10 0
// Switch targets that are expressions: !_bit0 and cr & 3.
OPENQASM 3.0;
include "stdgates.inc";
bit _bit0;
bit[2] cr;
bit[2] out;
int switch_dummy;
int switch_dummy_0;
qubit _qubit0;
qubit[2] q;
qubit[2] r;
_bit0 = measure _qubit0;
x q[1];
cr = measure q;
switch_dummy = !_bit0;
switch (switch_dummy) {
  case 0 {
    x r[0];
  }
}
switch_dummy_0 = cr & 3;
switch (switch_dummy_0) {
  case 2 {
    x r[1];
  }
}
out = measure r;
