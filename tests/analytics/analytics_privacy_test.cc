// Privacy rules of the analytics log: suggestions, pseudonyms, the key file, write errors.
