"""What talks to AWS: the boto3 client and its errors (client.py), publish, attach and detach on one function
(publish.py, attach.py), the record attach keeps in a function (record.py), fleets (fleet.py), and the wrapper
chain attach checks (chain.py)."""
