package io.netpersona.cli;

import io.netpersona.model.PersonaCodec;

/** Output of commands that print a persona. */
enum YamlOrJson {
    yaml, json;

    PersonaCodec.Format format() {
        return this == yaml ? PersonaCodec.Format.YAML : PersonaCodec.Format.JSON;
    }
}
