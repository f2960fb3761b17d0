/*
 * commands.h - the commands of the command-line front end, one file each (cmd_<name>.c).
 * main.c dispatches to them; each returns the exit status.
 */
#ifndef NT_COMMANDS_H
#define NT_COMMANDS_H

int cmd_train(int argc, char **argv);
int cmd_sample(int argc, char **argv);
int cmd_loss(int argc, char **argv);
int cmd_softmax(int argc, char **argv);
int cmd_attention(int argc, char **argv);
int cmd_lens(int argc, char **argv);
int cmd_neighbors(int argc, char **argv);
int cmd_slice(int argc, char **argv);
int cmd_export(int argc, char **argv);
int cmd_encode(int argc, char **argv);
int cmd_decode(int argc, char **argv);
int cmd_bpe(int argc, char **argv);
int cmd_info(int argc, char **argv);
int cmd_version(int argc, char **argv);

#endif
