from wrapgen.cli import app

app(prog_name="wrapgen")
