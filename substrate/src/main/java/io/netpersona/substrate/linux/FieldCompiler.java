package io.netpersona.substrate.linux;

import io.netpersona.model.Persona;

/** Turns one part of a persona into the host resources that realise it here (DESIGN.md's Linux table). */
interface FieldCompiler {
    void compile(Persona persona, AppContext app, HostView view, Desired out);
}
