"""Documents of a case (电子案卷): kinds, content-addressed storage, type checks, malware scan,
redaction, and the blob check for ``ogi check``. A library: the events and routes that use it live in
the services and the API."""
