/*
 * cli_polc.h -- the commands of polc, one file each (cli/polc_NAME.c);
 * polc.c dispatches on argv[1].  argv[0] is the command's name.  Exit
 * codes: docs/cli.md.
 */
#ifndef POL_CLI_POLC_H
#define POL_CLI_POLC_H

int polc_keygen_main(int argc, char **argv);
int polc_fmt_main(int argc, char **argv);
int polc_doc_main(int argc, char **argv);
int polc_questionnaire_main(int argc, char **argv);

#endif
