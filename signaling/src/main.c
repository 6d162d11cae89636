/* SPDX-License-Identifier: Apache-2.0 */
#include "sanhui-signaling.h"

int
main (int argc, char **argv)
{
  return sh_cli_main (argc, argv);
}
