"""One module per command, named as the command (`try` is try_.py): its work, from the values the command line
gives to what it prints and its exit status. wrapgen.cli declares the options and calls `run`; fleet.py is what
attach and detach share."""
