build-h14/obj/findings.o: src/findings.c src/findings.h src/util.h
src/findings.h:
src/util.h:
