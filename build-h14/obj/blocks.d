build-h14/obj/blocks.o: src/blocks.c src/blocks.h src/util.h
src/blocks.h:
src/util.h:
