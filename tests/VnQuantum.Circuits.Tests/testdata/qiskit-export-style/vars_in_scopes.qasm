// expect: 11
// Declared variables, stores and shadowing in nested scopes (after Qiskit's test_var_use_in_scopes, with a = false).
OPENQASM 3.0;
include "stdgates.inc";
bool a;
bit[2] c;
int switch_dummy;
qubit[2] q;
uint[16] b;
b = 5;
a = false;
if (!a) {
  b = ~b;
  h q[0];
  h q[0];
} else {
  uint[16] b;
  b = 7;
}
while (a) {
  bool b;
  b = a;
}
switch_dummy = b;
switch (switch_dummy) {
  case 0 {
    b = 3;
  }
  default {
    bool b;
    b = !a;
    x q[0];
    cx q[0], q[1];
  }
}
c[0] = measure q[0];
c[1] = measure q[1];
