"""Open vSwitch's Python IDL against an OVSDB server: connect, load the contents, commit an insert, see it.

Usage: python3 python_idl_check.py REMOTE SCHEMA-FILE
"""
import sys, time
import ovs.db.idl, ovs.poller, ovs.db.schema, ovs.json
remote, schema_file = sys.argv[1], sys.argv[2]
helper = ovs.db.idl.SchemaHelper(schema_file)
helper.register_all()
idl = ovs.db.idl.Idl(remote, helper)
deadline = time.time() + 10
seq = idl.change_seqno
while idl.change_seqno == seq:
    idl.run()
    if time.time() > deadline:
        sys.exit("no initial contents")
    p = ovs.poller.Poller(); idl.wait(p); p.timer_wait(100); p.block()
txn = ovs.db.idl.Transaction(idl)
row = txn.insert(idl.tables["kv"])
row.name = "from-python"
row.value = 41
status = txn.commit_block()
print("commit:", ovs.db.idl.Transaction.status_to_string(status))
# wait until the IDL sees the row
deadline = time.time() + 10
while not any(r.name == "from-python" for r in idl.tables["kv"].rows.values()):
    idl.run()
    if time.time() > deadline:
        sys.exit("row never seen")
    p = ovs.poller.Poller(); idl.wait(p); p.timer_wait(100); p.block()
print("seen:", [(r.name, r.value) for r in idl.tables["kv"].rows.values()])
idl.close()
